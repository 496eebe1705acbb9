import type { SseObserver } from './sse-observer.js';

/** What to do with a held stream after a chunk. */
export type GateDecision = 'hold' | 'commit' | 'abandon';

/**
 * Holds a streamed 200 back from the client until its first content event (`message_start` and `ping` come first),
 * so that an upstream failing before content (an in-band `overloaded_error`, a cut, silence) can still be failed
 * over invisibly. Content is never held: the gate opens on the first content event and adds nothing after it. The
 * hold is bounded by `timeoutInMs`, after which `onTimeout` decides.
 */
export class CommitGate {
  readonly #observer: SseObserver;
  #timer: NodeJS.Timeout | undefined;

  constructor(observer: SseObserver, timeoutInMs: number, onTimeout: () => void) {
    this.#observer = observer;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      onTimeout();
    }, timeoutInMs);
  }

  /** Reads the next chunk (the caller holds it) and says whether to keep holding, open, or give up. */
  push(chunk: Buffer): GateDecision {
    const observer = this.#observer;
    observer.push(chunk);
    if (observer.contentStarted) return 'commit';
    return observer.error === undefined ? 'hold' : 'abandon';
  }

  /**
   * At the end of a stream that showed no content: a complete stream (`message_stop`, no error) is relayed as it
   * is, since another provider could not do better; anything else failed before content.
   */
  endsComplete(): boolean {
    return this.#observer.error === undefined && this.#observer.sawMessageStop;
  }

  /** Stops the timer; the gate is done. */
  close(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }
}
