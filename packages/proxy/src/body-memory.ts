/**
 * The bytes of request bodies ccb holds at once, against one bound. A body is kept whole from its first byte until
 * its request's response closes (failover replays it), so this is what many large or slow uploads would otherwise
 * grow without limit until the process runs out of memory.
 */
export interface BodyMemory {
  /** Takes `bytes` from the budget; `false` (and nothing taken) when that would exceed the bound. */
  tryReserve(bytes: number): boolean;
  /** Gives back bytes taken with `tryReserve`. */
  release(bytes: number): void;
  /** Bytes held right now. */
  readonly heldInBytes: number;
  /** The bound, in bytes. */
  readonly limitInBytes: number;
}

/** A {@link BodyMemory} holding at most `limitInBytes` (`Infinity`: no bound, only counted). */
export function createBodyMemory(limitInBytes: number): BodyMemory {
  let held = 0;
  return {
    tryReserve(bytes) {
      if (held + bytes > limitInBytes) return false;
      held += bytes;
      return true;
    },
    release(bytes) {
      held -= bytes;
    },
    get heldInBytes() {
      return held;
    },
    limitInBytes,
  };
}
