import { crc32 } from 'node:zlib';
import { BedrockError } from './bedrock-error.js';

/** A header value of the event-stream framing, by its wire type. */
export type EventStreamHeaderValue = boolean | number | bigint | string | Buffer;

/**
 * One message of the AWS event-stream framing (`application/vnd.amazon.eventstream`), which Bedrock's
 * InvokeModelWithResponseStream answers with instead of SSE
 * (https://docs.aws.amazon.com/transcribe/latest/dg/event-stream.html describes the frame).
 */
export interface EventStreamMessage {
  /** Headers by name, e.g. `:message-type` (`event`, `exception`, `error`), `:event-type`, `:exception-type`. */
  readonly headers: Readonly<Record<string, EventStreamHeaderValue>>;
  readonly payload: Buffer;
}

/** Total length, headers length and the prelude's CRC, 4 bytes each. */
const preludeBytes = 12;
/** The message CRC at the end. */
const trailerBytes = 4;
/** The framing's own ceiling on one message (16 MiB), so a corrupt length cannot make ccb buffer without bound. */
export const maxMessageBytes = 16 * 1024 * 1024;

/**
 * Decodes an event stream incrementally: `push` each body chunk as it arrives and get the messages it completed. A
 * chunk that ends mid-message is kept (copied once) until the rest arrives; whole messages in a chunk are decoded in
 * place, so the usual case copies nothing but each payload view.
 */
export class EventStreamDecoder {
  #pending: Buffer | undefined;
  /**
   * The last headers section read, and what it decoded to: every chunk of a stream carries the same three headers,
   * so their bytes are compared instead of decoded again.
   */
  #lastHeaderBytes: Buffer | undefined;
  #lastHeaders: Readonly<Record<string, EventStreamHeaderValue>> | undefined;

  /**
   * The messages `chunk` completes, in order.
   * @throws {BedrockError} `CCB_BEDROCK_FRAME_INVALID` for a checksum or length that does not hold.
   */
  push(chunk: Buffer): EventStreamMessage[] {
    let buffer = chunk;
    if (this.#pending !== undefined) {
      buffer = Buffer.concat([this.#pending, chunk]);
      this.#pending = undefined;
    }
    const messages: EventStreamMessage[] = [];
    let offset = 0;
    while (buffer.length - offset >= preludeBytes) {
      const totalLength = buffer.readUInt32BE(offset);
      const headersLength = buffer.readUInt32BE(offset + 4);
      if (crc32(buffer.subarray(offset, offset + 8)) !== buffer.readUInt32BE(offset + 8)) {
        throw invalid('the prelude checksum does not match');
      }
      if (totalLength > maxMessageBytes || totalLength < preludeBytes + trailerBytes + headersLength) {
        throw invalid(`a message length of ${totalLength} bytes with ${headersLength} bytes of headers`);
      }
      if (buffer.length - offset < totalLength) break;
      const end = offset + totalLength;
      if (crc32(buffer.subarray(offset, end - trailerBytes)) !== buffer.readUInt32BE(end - trailerBytes)) {
        throw invalid('the message checksum does not match');
      }
      const headersEnd = offset + preludeBytes + headersLength;
      messages.push({
        headers: this.#headers(buffer, offset + preludeBytes, headersEnd),
        payload: buffer.subarray(headersEnd, end - trailerBytes),
      });
      offset = end;
    }
    // A partial message keeps its own copy: the caller may reuse or release the chunk it came in.
    if (offset < buffer.length) this.#pending = Buffer.from(buffer.subarray(offset));
    return messages;
  }

  #headers(buffer: Buffer, start: number, end: number): Readonly<Record<string, EventStreamHeaderValue>> {
    const last = this.#lastHeaderBytes;
    if (
      last !== undefined &&
      last.length === end - start &&
      buffer.compare(last, 0, last.length, start, end) === 0
    ) {
      return this.#lastHeaders as Readonly<Record<string, EventStreamHeaderValue>>;
    }
    const headers = Object.freeze(readHeaders(buffer, start, end));
    // Its own copy: the chunk it came in may be reused once this push returns.
    this.#lastHeaderBytes = Buffer.from(buffer.subarray(start, end));
    this.#lastHeaders = headers;
    return headers;
  }

  /**
   * Says the stream ended.
   * @throws {BedrockError} `CCB_BEDROCK_STREAM_TRUNCATED` when it ended inside a message.
   */
  end(): void {
    if (this.#pending !== undefined) {
      const left = this.#pending.length;
      this.#pending = undefined;
      throw new BedrockError(
        'CCB_BEDROCK_STREAM_TRUNCATED',
        `the event stream ended ${left} bytes into a message`,
      );
    }
  }
}

function invalid(what: string): BedrockError {
  return new BedrockError('CCB_BEDROCK_FRAME_INVALID', `invalid event-stream frame: ${what}`);
}

/** Header value types of the framing. */
const headerTypes = {
  trueValue: 0,
  falseValue: 1,
  byte: 2,
  short: 3,
  integer: 4,
  long: 5,
  bytes: 6,
  string: 7,
  timestamp: 8,
  uuid: 9,
} as const;

function readHeaders(buffer: Buffer, start: number, end: number): Record<string, EventStreamHeaderValue> {
  const headers: Record<string, EventStreamHeaderValue> = {};
  let offset = start;
  const need = (bytes: number) => {
    if (offset + bytes > end) throw invalid('a header runs past the headers section');
  };
  while (offset < end) {
    need(1);
    const nameLength = buffer.readUInt8(offset);
    offset += 1;
    need(nameLength + 1);
    const name = buffer.toString('utf8', offset, offset + nameLength);
    offset += nameLength;
    const type = buffer.readUInt8(offset);
    offset += 1;
    let value: EventStreamHeaderValue;
    switch (type) {
      case headerTypes.trueValue:
        value = true;
        break;
      case headerTypes.falseValue:
        value = false;
        break;
      case headerTypes.byte:
        need(1);
        value = buffer.readInt8(offset);
        offset += 1;
        break;
      case headerTypes.short:
        need(2);
        value = buffer.readInt16BE(offset);
        offset += 2;
        break;
      case headerTypes.integer:
        need(4);
        value = buffer.readInt32BE(offset);
        offset += 4;
        break;
      case headerTypes.long:
      case headerTypes.timestamp:
        need(8);
        value = buffer.readBigInt64BE(offset);
        offset += 8;
        break;
      case headerTypes.bytes:
      case headerTypes.string: {
        need(2);
        const length = buffer.readUInt16BE(offset);
        offset += 2;
        need(length);
        value =
          type === headerTypes.string
            ? buffer.toString('utf8', offset, offset + length)
            : buffer.subarray(offset, offset + length);
        offset += length;
        break;
      }
      case headerTypes.uuid:
        need(16);
        value = buffer.subarray(offset, offset + 16);
        offset += 16;
        break;
      default:
        throw invalid(`header ${JSON.stringify(name)} has unknown value type ${type}`);
    }
    headers[name] = value;
  }
  return headers;
}
