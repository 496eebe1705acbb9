import { emptyUsage, mergeUsage, type Usage } from './usage.js';

const newline = 0x0a;
const carriageReturn = 0x0d;
const colon = 0x3a;

/** The events the observer tells apart; every other name is `other` (content). */
type EventKind = 'message_start' | 'message_delta' | 'message_stop' | 'ping' | 'error' | 'other';
const knownEvents: readonly Exclude<EventKind, 'other'>[] = [
  'message_start',
  'message_delta',
  'message_stop',
  'ping',
  'error',
];
const knownEventBytes = knownEvents.map((name) => Buffer.from(name));

/**
 * Watches an SSE stream as it passes, without holding or changing it: which events came, the usage they carry,
 * an in-band error, a clean end. Only the `data` lines of `message_start`, `message_delta` and `error` are
 * decoded; content deltas are skipped byte-wise.
 */
export class SseObserver {
  readonly usage: Usage = emptyUsage();
  /** True once an event other than `message_start`/`ping` arrived: the stream carries content. */
  contentStarted = false;
  sawMessageStop = false;
  /** An `event: error` the upstream sent in-band. */
  error: { type: string; message: string } | undefined;
  /** True when a line is not valid SSE; the stream should be treated as broken. */
  malformed = false;
  /** Number of complete events seen. */
  events = 0;

  #event: EventKind | undefined;
  /** A partial line carried over from the previous chunk, when it must be decoded. */
  #partial: Buffer | undefined;
  /** True while skipping the rest of an uninteresting line that spans chunks. */
  #skipping = false;

  /** Feeds the next chunk of the stream. */
  push(chunk: Buffer): void {
    let start = 0;
    if (this.#skipping) {
      const end = chunk.indexOf(newline);
      if (end === -1) return;
      this.#skipping = false;
      start = end + 1;
    } else if (this.#partial !== undefined) {
      const end = chunk.indexOf(newline);
      if (end === -1) {
        this.#partial = Buffer.concat([this.#partial, chunk]);
        return;
      }
      const line = Buffer.concat([this.#partial, chunk.subarray(0, end)]);
      this.#partial = undefined;
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

  #carry(chunk: Buffer, start: number): void {
    if (this.#isInterestingData(chunk, start) || !startsWith(chunk, start, 'data')) {
      this.#partial = Buffer.from(chunk.subarray(start));
    } else {
      this.#skipping = true;
    }
  }

  #isInterestingData(chunk: Buffer, start: number): boolean {
    return (
      startsWith(chunk, start, 'data') &&
      (this.#event === 'message_start' || this.#event === 'message_delta' || this.#event === 'error')
    );
  }

  #line(buffer: Buffer, start: number, end: number): void {
    if (end > start && buffer[end - 1] === carriageReturn) end--;
    if (end === start) {
      if (this.#event !== undefined) this.events++;
      this.#event = undefined;
      return;
    }
    const first = buffer[start];
    if (first === colon) return; // comment
    if (startsWith(buffer, start, 'event:')) {
      const kind = eventKind(buffer, start + 6, end);
      this.#event = kind;
      if (kind === 'message_stop') this.sawMessageStop = true;
      // Only message_start and ping precede content: a stream that fails while showing only these can fail over.
      if (kind !== 'message_start' && kind !== 'ping' && kind !== 'error') this.contentStarted = true;
      return;
    }
    if (startsWith(buffer, start, 'data:')) {
      const event = this.#event;
      if (event === 'message_start' || event === 'message_delta' || event === 'error') {
        this.#data(event, buffer.toString('utf8', start + 5, end));
      }
      return;
    }
    if (startsWith(buffer, start, 'id:') || startsWith(buffer, start, 'retry:')) return;
    this.malformed = true;
  }

  #data(event: string, text: string): void {
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
  return byte === 0x20 || byte === 0x09;
}

function startsWith(buffer: Buffer, start: number, prefix: string): boolean {
  if (buffer.length - start < prefix.length) return false;
  for (let index = 0; index < prefix.length; index++) {
    if (buffer[start + index] !== prefix.charCodeAt(index)) return false;
  }
  return true;
}
