import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { RequestRecord } from '@ccb/protocol';
import type { ClientResponse } from './client-response.js';

/** The replay bytes every deduplicated call in flight holds, against one bound for the handler. */
export interface ReplayMemory {
  bytes: number;
  readonly limitInBytes: number;
}

/** One client a shared call answers. */
export interface Subscriber {
  readonly response: ServerResponse;
  readonly requestId: string;
  /** `undefined` for the client whose request started the call. */
  readonly dedup: 'joined' | undefined;
  bytesOut: number;
  /** `performance.now()` of its first body byte. */
  firstByteAt: number | undefined;
  /** Its socket is full: the call waits for its `drain`. */
  waiting: boolean;
  readonly onDrain: () => void;
}

/** What a shared call needs from the calls it belongs to. */
export interface SharedCallOptions {
  readonly maxReplayInBytes: number;
  readonly retryGraceInMs: number;
  readonly memory: ReplayMemory;
  /** The call takes no more joiners (its replay was dropped, it ended, or it was cut). */
  readonly onUnjoinable: (call: SharedResponse) => void;
  /** The call ended (`completed`: its whole answer was written), before its replay is released. */
  readonly onEnd: (call: SharedResponse, completed: boolean) => void;
}

/**
 * The response one upstream call writes when it answers several identical requests: what the exchange writes here
 * goes to every subscribed client, byte for byte. A client that subscribes late gets the head (with its own
 * `x-request-id` and `x-ccb-dedup: joined`), every chunk already sent (the replay, bounded), then the live rest. A
 * write returns `false` while any client's socket is full, and `drain` comes once all took their bytes. The call
 * outlives the client that started it while others remain; when the last leaves, it is cut (`close` with
 * `writableFinished` false, as a lone client's disconnect) at once or after the retry grace, which a retry of the
 * same request can join.
 */
export class SharedResponse extends EventEmitter implements ClientResponse {
  statusCode = 200;
  headersSent = false;
  destroyed = false;
  writableEnded = false;
  writableFinished = false;
  /** The call's record, once its exchange made it (`undefined`: none was made). */
  readonly recorded: Promise<RequestRecord | undefined>;
  readonly #options: SharedCallOptions;
  #head: string[] | undefined;
  /** The replay; `undefined` once it outgrew its bound (the call then takes no joiners). */
  #chunks: Buffer[] | undefined = [];
  #bufferedBytes = 0;
  readonly #subscribers: Subscriber[] = [];
  #waiting = 0;
  #graceTimer: NodeJS.Timeout | undefined;
  #resolveRecord!: (record: RequestRecord | undefined) => void;

  constructor(options: SharedCallOptions) {
    super();
    this.#options = options;
    this.recorded = new Promise((resolve) => {
      this.#resolveRecord = resolve;
    });
  }

  /** Whether a new identical request may still join: in progress, with its whole answer so far kept. */
  get joinable(): boolean {
    return this.#chunks !== undefined && !this.writableEnded && !this.destroyed;
  }

  /** The head and the whole body of a completed call (its replay memory is released when the call is over). */
  answer(): { head: string[]; body: Buffer } | undefined {
    if (this.#head === undefined || this.#chunks === undefined) return undefined;
    return { head: this.#head, body: Buffer.concat(this.#chunks, this.#bufferedBytes) };
  }

  /** Adds a client: it gets what was sent so far at once, then the rest live. */
  subscribe(response: ServerResponse, requestId: string, dedup: 'joined' | undefined): Subscriber {
    this.#clearGrace();
    const subscriber: Subscriber = {
      response,
      requestId,
      dedup,
      bytesOut: 0,
      firstByteAt: undefined,
      waiting: false,
      onDrain: () => this.#drained(subscriber),
    };
    const wasPaused = this.#subscribers.length > 0 && this.#waiting >= this.#subscribers.length;
    this.#subscribers.push(subscriber);
    response.once('close', () => this.#leave(subscriber));
    if (this.#head !== undefined) {
      this.#writeHead(subscriber);
      for (const chunk of this.#chunks ?? []) this.#writeTo(subscriber, chunk);
    }
    // A call paused by full clients goes on for a newcomer that can take more.
    if (wasPaused && !subscriber.waiting) queueMicrotask(() => this.emit('drain'));
    return subscriber;
  }

  /** The exchange's record of the call, for the records of its joiners. */
  record(record: RequestRecord): void {
    this.#resolveRecord(record);
  }

  /** The exchange is over: joiners waiting for its record stop waiting (it made none if it failed in ccb). */
  settle(): void {
    this.#resolveRecord(undefined);
    if (!this.writableEnded && !this.destroyed) this.destroy();
  }

  writeHead(status: number, headers: string[]): this {
    this.statusCode = status;
    this.headersSent = true;
    this.#head = headers;
    for (const subscriber of this.#subscribers) this.#writeHead(subscriber);
    return this;
  }

  write(chunk: Buffer | string): boolean {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.#keep(bytes);
    for (const subscriber of this.#subscribers) this.#writeTo(subscriber, bytes);
    // Paced by the fastest client: the call pauses only while every client is full. A slower one buffers what it
    // has not read yet, up to the replay bound, then is let go (see #writeTo).
    return this.#waiting < this.#subscribers.length || this.#subscribers.length === 0;
  }

  end(chunk?: Buffer | string): this {
    if (this.writableEnded || this.destroyed) return this;
    if (chunk !== undefined) this.write(chunk);
    this.writableEnded = true;
    this.writableFinished = true;
    this.#clearGrace();
    for (const subscriber of this.#subscribers) subscriber.response.end();
    this.#over(true);
    return this;
  }

  destroy(): this {
    if (this.writableEnded || this.destroyed) return this;
    this.destroyed = true;
    for (const subscriber of this.#subscribers) subscriber.response.destroy();
    this.#over(false);
    return this;
  }

  #over(completed: boolean): void {
    this.#clearGrace();
    this.#options.onUnjoinable(this);
    this.#options.onEnd(this, completed);
    this.#release();
    this.emit('close');
  }

  #keep(chunk: Buffer): void {
    const chunks = this.#chunks;
    if (chunks === undefined) return;
    const { memory, maxReplayInBytes } = this.#options;
    if (
      this.#bufferedBytes + chunk.length > maxReplayInBytes ||
      memory.bytes + chunk.length > memory.limitInBytes
    ) {
      this.#release();
      this.#options.onUnjoinable(this);
      // Nobody left and nobody can join any more: the grace has nothing to wait for.
      if (this.#subscribers.length === 0) queueMicrotask(() => this.#cut());
      return;
    }
    chunks.push(chunk);
    this.#bufferedBytes += chunk.length;
    memory.bytes += chunk.length;
  }

  #release(): void {
    this.#options.memory.bytes -= this.#bufferedBytes;
    this.#bufferedBytes = 0;
    this.#chunks = undefined;
  }

  #writeHead(subscriber: Subscriber): void {
    const head = this.#head as string[];
    if (subscriber.dedup === undefined) {
      subscriber.response.writeHead(this.statusCode, head);
      return;
    }
    const own = head.slice();
    for (let index = 0; index + 1 < own.length; index += 2) {
      if (own[index]?.toLowerCase() === 'x-request-id') own[index + 1] = subscriber.requestId;
    }
    own.push('x-ccb-dedup', subscriber.dedup);
    subscriber.response.writeHead(this.statusCode, own);
  }

  #writeTo(subscriber: Subscriber, chunk: Buffer): void {
    const response = subscriber.response;
    if (response.destroyed) return;
    subscriber.firstByteAt ??= performance.now();
    subscriber.bytesOut += chunk.length;
    const accepted = response.write(chunk);
    // A client that stops reading must not hold the call back for the others: past the replay bound unread, it is
    // let go (recorded as a client that left).
    if (
      !accepted &&
      response.writableLength > this.#options.maxReplayInBytes &&
      this.#subscribers.length > 1
    ) {
      response.destroy();
      return;
    }
    if (!accepted && !subscriber.waiting) {
      subscriber.waiting = true;
      this.#waiting++;
      response.once('drain', subscriber.onDrain);
    }
  }

  #drained(subscriber: Subscriber): void {
    if (!subscriber.waiting) return;
    const wasPaused = this.#waiting >= this.#subscribers.length;
    subscriber.waiting = false;
    this.#waiting--;
    if (wasPaused) this.emit('drain');
  }

  #leave(subscriber: Subscriber): void {
    const index = this.#subscribers.indexOf(subscriber);
    if (index < 0) return;
    this.#subscribers.splice(index, 1);
    this.#drained(subscriber);
    if (this.#subscribers.length > 0 || this.writableEnded || this.destroyed) return;
    const graceInMs = this.#options.retryGraceInMs;
    if (graceInMs <= 0 || this.#chunks === undefined) {
      this.#cut();
      return;
    }
    this.#graceTimer = setTimeout(() => this.#cut(), graceInMs);
    this.#graceTimer.unref();
  }

  /** Every client left: the upstream call stops, as when a lone client disconnects. */
  #cut(): void {
    if (this.#subscribers.length > 0 || this.writableEnded || this.destroyed) return;
    this.destroyed = true;
    this.#over(false);
  }

  #clearGrace(): void {
    if (this.#graceTimer === undefined) return;
    clearTimeout(this.#graceTimer);
    this.#graceTimer = undefined;
  }
}
