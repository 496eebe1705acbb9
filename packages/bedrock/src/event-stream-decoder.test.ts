import { crc32 } from 'node:zlib';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { describe, expect, it } from 'vitest';
import { BedrockError } from './bedrock-error.js';
import { encodeBedrockChunk, encodeEventStreamMessage } from './encode-event-stream.js';
import { EventStreamDecoder, type EventStreamMessage } from './event-stream-decoder.js';

// AWS's own codec (the one the AWS SDK decodes Bedrock streams with) is the independent reference.
const aws = new EventStreamCodec(toUtf8, fromUtf8);

function decodeAll(chunks: readonly Buffer[]): EventStreamMessage[] {
  const decoder = new EventStreamDecoder();
  const messages = chunks.flatMap((chunk) => decoder.push(chunk));
  decoder.end();
  return messages;
}

describe('EventStreamDecoder', () => {
  it('reads what AWS’s codec writes, every header type included', () => {
    const framed = Buffer.from(
      aws.encode({
        headers: {
          ':message-type': { type: 'string', value: 'event' },
          flag: { type: 'boolean', value: true },
          off: { type: 'boolean', value: false },
          tiny: { type: 'byte', value: -3 },
          small: { type: 'short', value: 1234 },
          count: { type: 'integer', value: 70_000 },
          raw: { type: 'binary', value: new Uint8Array([1, 2, 3]) },
        },
        body: fromUtf8('{"bytes":"e30="}'),
      }),
    );
    const [message] = decodeAll([framed]);
    if (message === undefined) throw new Error('no message decoded');
    expect(message.headers[':message-type']).toBe('event');
    expect(message.headers).toMatchObject({ flag: true, off: false, tiny: -3, small: 1234, count: 70_000 });
    expect([...(message.headers.raw as Buffer)]).toEqual([1, 2, 3]);
    expect(message.payload.toString()).toBe('{"bytes":"e30="}');
  });

  it('writes what AWS’s codec reads', () => {
    const framed = encodeEventStreamMessage(
      { ':event-type': 'chunk', 'x-é': 'vålue' },
      Buffer.from('payload'),
    );
    const decoded = aws.decode(framed);
    expect(decoded.headers).toEqual({
      ':event-type': { type: 'string', value: 'chunk' },
      'x-é': { type: 'string', value: 'vålue' },
    });
    expect(toUtf8(decoded.body)).toBe('payload');
  });

  it('gives the same messages however the stream is cut into chunks', () => {
    const frames = [
      encodeBedrockChunk('{"type":"message_start","message":{"id":"msg_1"}}'),
      encodeBedrockChunk('{"type":"ping"}'),
      encodeBedrockChunk(`{"type":"content_block_delta","delta":{"text":"${'x'.repeat(300)}"}}`),
    ];
    const stream = Buffer.concat(frames);
    const whole = decodeAll([stream]).map((message) => message.payload.toString());
    expect(whole).toHaveLength(3);
    for (let cut = 1; cut < stream.length; cut++) {
      const parts = decodeAll([stream.subarray(0, cut), stream.subarray(cut)]);
      expect(parts.map((message) => message.payload.toString())).toEqual(whole);
    }
    const byteByByte = decodeAll([...stream].map((byte) => Buffer.from([byte])));
    expect(byteByByte.map((message) => message.payload.toString())).toEqual(whole);
  });

  it('keeps a partial message even when the caller reuses its chunk buffer', () => {
    const frame = encodeBedrockChunk('{"type":"ping"}');
    const reused = Buffer.from(frame.subarray(0, 20));
    const decoder = new EventStreamDecoder();
    expect(decoder.push(reused)).toEqual([]);
    reused.fill(0);
    const [message] = decoder.push(frame.subarray(20));
    expect(JSON.parse(message?.payload.toString() ?? '')).toEqual({
      bytes: Buffer.from('{"type":"ping"}').toString('base64'),
    });
  });

  it('decodes each frame’s own headers when they change, and is not fooled by a reused chunk buffer', () => {
    const decoder = new EventStreamDecoder();
    const chunk = encodeBedrockChunk('{"type":"ping"}');
    const other = encodeEventStreamMessage(
      { ':event-type': 'chunk', ':content-type': 'application/jsox', ':message-type': 'event' },
      Buffer.from('{}'),
    );
    // One buffer, reused: the second frame is written over the first after it was decoded.
    const reused = Buffer.alloc(Math.max(chunk.length, other.length));
    chunk.copy(reused);
    const [first] = decoder.push(reused.subarray(0, chunk.length));
    expect(first?.headers[':content-type']).toBe('application/json');
    other.copy(reused);
    const [second] = decoder.push(reused.subarray(0, other.length));
    expect(second?.headers[':content-type']).toBe('application/jsox');
    const [third] = decoder.push(encodeBedrockChunk('{"type":"ping"}'));
    expect(third?.headers).toEqual({
      ':event-type': 'chunk',
      ':content-type': 'application/json',
      ':message-type': 'event',
    });
    expect(first?.headers[':content-type']).toBe('application/json');
  });

  it('refuses corrupt frames and a stream cut inside a message, with stable codes', () => {
    const frame = encodeBedrockChunk('{"type":"ping"}');
    const codeOf = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return BedrockError.is(error) ? `${error.code}: ${error.message}` : String(error);
      }
      return 'no error';
    };
    const badPayload = Buffer.from(frame);
    badPayload.writeUInt8(badPayload.readUInt8(frame.length - 6) ^ 1, frame.length - 6);
    expect(codeOf(() => new EventStreamDecoder().push(badPayload))).toBe(
      'CCB_BEDROCK_FRAME_INVALID: invalid event-stream frame: the message checksum does not match',
    );
    const badPrelude = Buffer.from(frame);
    badPrelude.writeUInt8(badPrelude.readUInt8(3) ^ 1, 3);
    expect(codeOf(() => new EventStreamDecoder().push(badPrelude))).toBe(
      'CCB_BEDROCK_FRAME_INVALID: invalid event-stream frame: the prelude checksum does not match',
    );
    const decoder = new EventStreamDecoder();
    decoder.push(frame.subarray(0, frame.length - 1));
    expect(codeOf(() => decoder.end())).toBe(
      `CCB_BEDROCK_STREAM_TRUNCATED: the event stream ended ${frame.length - 1} bytes into a message`,
    );
  });

  it('refuses a length past the framing’s 16 MiB ceiling before buffering it', () => {
    const huge = Buffer.from(aws.encode({ headers: {}, body: new Uint8Array(8) }).slice(0, 12));
    huge.writeUInt32BE(17 * 1024 * 1024, 0);
    // Recompute the prelude checksum so that only the length is wrong.
    huge.writeUInt32BE(crc32(huge.subarray(0, 8)), 8);
    expect(() => new EventStreamDecoder().push(huge)).toThrow(/a message length of 17825792 bytes/);
  });
});
