import {
  emptyUsage,
  estimateTokens,
  eventsBeforeContent,
  mergeUsage,
  sseEvents,
  type Usage,
} from '@ccb/protocol';

const newline = 0x0a;
const carriageReturn = 0x0d;
const colon = 0x3a;
const space = 0x20;
const tab = 0x09;

/** The events the observer tells apart; every other name is `other` (content). */
type EventKind = 'message_start' | 'message_delta' | 'message_stop' | 'ping' | 'error' | 'other';
const knownEvents: readonly Exclude<EventKind, 'other'>[] = [
  sseEvents.messageStart,
  sseEvents.messageDelta,
  sseEvents.messageStop,
  sseEvents.ping,
  sseEvents.error,
];
const knownEventBytes = knownEvents.map((name) => Buffer.from(name));
const eventField = Buffer.from('event:');
const dataField = Buffer.from('data');

/** An `event:` line longer than this names no event ccb knows: it is read as content, and not kept. */
const maxEventLineBytes = 1024;
/** The data of an event ccb reads (usage, errors) is a few hundred bytes; more than this is not a real one. */
const maxDataBytes = 1024 * 1024;
/**
 * The JSON around the text of one content delta (`{"type":"content_block_delta","index":0,"delta":{"type":
 * "text_delta","text":"…"}}` and its `data: ` prefix): subtracted per data line when the relayed text is measured.
 */
const deltaEnvelopeBytes = 86;

/**
 * Watches an SSE stream as it passes, without holding or changing it: which events came, the usage they carry,
 * an in-band error, a clean end. Only the `data` of `message_start`, `message_delta` and `error` is decoded;
 * content is skipped byte-wise. As the SSE standard says, comments, `id:`, `retry:` and fields it has never seen
 * are ignored (they pass through untouched), and only what it reads can be malformed: that data not being JSON.
 */
export class SseObserver {
  readonly usage: Usage = emptyUsage();
  /** True once an event other than `message_start`/`ping`/`error` arrived: the stream carries content. */
  contentStarted = false;
  sawMessageStop = false;
  /** An `event: error` the upstream sent in-band. */
  error: { type: string; message: string } | undefined;
  /** True when the data of an event ccb reads is not JSON: the stream is broken. */
  malformed = false;
  /** Number of complete events seen. */
  events = 0;
  /** A `message_start` arrived: the upstream took the prompt (and bills its input). */
  sawMessageStart = false;
  /** A `message_delta` arrived: it carries the upstream's own final count of output tokens. */
  sawMessageDelta = false;

  #event: EventKind | undefined;
  /** The data lines of the current event, joined, when it is one ccb reads. */
  #data: string | undefined;
  /** A partial line carried over from the previous chunk, when it is one ccb must read. */
  #partial: Buffer | undefined;
  /** True while skipping the rest of a line ccb does not read that spans chunks. */
  #skipping = false;
  /** True while that line is the data of a content event, whose bytes are counted. */
  #skippingContent = false;
  /** The bytes of that line skipped so far, envelope included (taken off once the line ends). */
  #skippedLineBytes = 0;
  /** Bytes of generated text relayed (content data lines less their JSON envelope), for an output estimate. */
  #contentBytes = 0;

  /** Feeds the next chunk of the stream. */
  push(chunk: Buffer): void {
    let start = 0;
    if (this.#skipping) {
      const end = chunk.indexOf(newline);
      if (this.#skippingContent) this.#skippedLineBytes += end === -1 ? chunk.length : end;
      if (end === -1) return;
      if (this.#skippingContent) this.#countContentLine(this.#skippedLineBytes);
      this.#skipping = false;
      this.#skippingContent = false;
      start = end + 1;
    } else if (this.#partial !== undefined) {
      const end = chunk.indexOf(newline);
      const partial = this.#partial;
      this.#partial = undefined;
      if (end === -1) {
        this.#carry(Buffer.concat([partial, chunk]), 0);
        return;
      }
      const line = Buffer.concat([partial, chunk.subarray(0, end)]);
      this.#line(line, 0, line.length);
      start = end + 1;
    }
    while (start < chunk.length) {
      const end = chunk.indexOf(newline, start);
      if (end === -1) {
        this.#carry(chunk, start);
        return;
      }
      this.#line(chunk, start, end);
      start = end + 1;
    }
  }

  /** Keeps the unfinished line at `buffer[start..]` if ccb must read it, else skips it up to its newline. */
  #carry(buffer: Buffer, start: number): void {
    const length = buffer.length - start;
    if (length === 1 && buffer[start] === carriageReturn) {
      // The CR of a CRLF blank line, its LF in the next chunk: the end of an event, which must not be lost.
      this.#partial = Buffer.from(buffer.subarray(start));
      return;
    }
    if (isFieldStart(buffer, start, eventField)) {
      if (length <= maxEventLineBytes) {
        this.#partial = Buffer.from(buffer.subarray(start));
        return;
      }
      this.#startEvent('other');
    } else if (this.#readsData() && isFieldStart(buffer, start, dataField)) {
      if (length + (this.#data?.length ?? 0) <= maxDataBytes) {
        this.#partial = Buffer.from(buffer.subarray(start));
        return;
      }
      this.malformed = true;
    } else if (this.#event === 'other' && isFieldStart(buffer, start, dataField)) {
      // A content delta split across chunks: its bytes are counted as they pass, never kept.
      this.#skippedLineBytes = length;
      this.#skippingContent = true;
    }
    this.#skipping = true;
  }

  #line(buffer: Buffer, start: number, end: number): void {
    if (end > start && buffer[end - 1] === carriageReturn) end--;
    if (end === start) {
      this.#dispatch();
      return;
    }
    if (buffer[start] === colon) return; // a comment
    if (startsWith(buffer, start, end, eventField)) {
      this.#startEvent(eventKind(buffer, start + eventField.length, end));
      return;
    }
    if (this.#readsData() && startsWith(buffer, start, end, dataField)) {
      const afterName = start + dataField.length;
      if (afterName === end) {
        this.#appendData('');
      } else if (buffer[afterName] === colon) {
        const valueStart = buffer[afterName + 1] === space ? afterName + 2 : afterName + 1;
        this.#appendData(buffer.toString('utf8', valueStart, end));
      }
    } else if (this.#event === 'other' && startsWith(buffer, start, end, dataField)) {
      this.#countContentLine(end - start);
    }
    // Anything else (`id:`, `retry:`, data ccb does not read, a field it has never seen) passes untouched.
  }

  /**
   * The usage as far as the stream went: the input and cache counts of `message_start`, and the output counted by
   * the upstream when its final `message_delta` came, else estimated from the text relayed so far (and marked so).
   * For a stream that was cancelled or cut: what the upstream bills for it.
   */
  usageSoFar(): Usage {
    if (this.sawMessageDelta || !this.contentStarted) return this.usage;
    const estimate = estimateTokens(this.#contentBytes);
    return {
      ...this.usage,
      outputTokens: Math.max(this.usage.outputTokens, estimate),
      outputEstimated: true,
    };
  }

  /** Counts the text of one content data line of `lineBytes` bytes: the line less its JSON envelope. */
  #countContentLine(lineBytes: number): void {
    if (lineBytes > deltaEnvelopeBytes) this.#contentBytes += lineBytes - deltaEnvelopeBytes;
  }

  #startEvent(kind: EventKind): void {
    this.#event = kind;
    if (kind === 'message_stop') this.sawMessageStop = true;
    else if (kind === 'message_start') this.sawMessageStart = true;
    else if (kind === 'message_delta') this.sawMessageDelta = true;
    if (!eventsBeforeContent.includes(kind) && kind !== 'error') this.contentStarted = true;
  }

  #readsData(): boolean {
    const event = this.#event;
    return event === 'message_start' || event === 'message_delta' || event === 'error';
  }

  #appendData(value: string): void {
    this.#data = this.#data === undefined ? value : `${this.#data}\n${value}`;
  }

  /** A blank line ends the event: read its data now, as a browser's EventSource would deliver it. */
  #dispatch(): void {
    const event = this.#event;
    const data = this.#data;
    this.#event = undefined;
    this.#data = undefined;
    if (event === undefined) return;
    this.events++;
    if (data !== undefined && (event === 'message_start' || event === 'message_delta' || event === 'error')) {
      this.#read(event, data);
    }
  }

  #read(event: 'message_start' | 'message_delta' | 'error', text: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      this.malformed = true;
      return;
    }
    if (typeof parsed !== 'object' || parsed === null) return;
    const data = parsed as Record<string, unknown>;
    if (event === 'message_start') {
      mergeUsage(this.usage, (data.message as { usage?: unknown } | undefined)?.usage);
    } else if (event === 'message_delta') {
      mergeUsage(this.usage, data.usage);
    } else {
      const error = data.error as { type?: unknown; message?: unknown } | undefined;
      this.error = {
        type: typeof error?.type === 'string' ? error.type : 'api_error',
        message: typeof error?.message === 'string' ? error.message : 'upstream stream error',
      };
    }
  }
}

/** The event named at `buffer[start, end)` (spaces around the name ignored), compared as bytes, not decoded. */
function eventKind(buffer: Buffer, start: number, end: number): EventKind {
  let from = start;
  let to = end;
  while (from < to && isSpace(buffer[from] as number)) from++;
  while (to > from && isSpace(buffer[to - 1] as number)) to--;
  const length = to - from;
  for (let index = 0; index < knownEventBytes.length; index++) {
    const name = knownEventBytes[index] as Buffer;
    if (name.length !== length) continue;
    let at = 0;
    while (at < length && name[at] === buffer[from + at]) at++;
    if (at === length) return knownEvents[index] as EventKind;
  }
  return 'other';
}

function isSpace(byte: number): boolean {
  return byte === space || byte === tab;
}

/** True when `buffer[start, end)` begins with `prefix`. */
function startsWith(buffer: Buffer, start: number, end: number, prefix: Buffer): boolean {
  if (end - start < prefix.length) return false;
  for (let index = 0; index < prefix.length; index++) {
    if (buffer[start + index] !== prefix[index]) return false;
  }
  return true;
}

/** True when the unfinished line at `buffer[start…]` begins with `field`, or is still too short to tell. */
function isFieldStart(buffer: Buffer, start: number, field: Buffer): boolean {
  const compared = Math.min(field.length, buffer.length - start);
  for (let index = 0; index < compared; index++) {
    if (buffer[start + index] !== field[index]) return false;
  }
  return true;
}
