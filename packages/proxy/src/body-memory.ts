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

/** The bytes held by every body, whichever settings each was read with. */
export interface HeldBytes {
  bytes: number;
}

/**
 * A {@link BodyMemory} holding at most `limitInBytes` (`Infinity`: no bound, only counted). The bodies of every
 * settings snapshot take from one `held` count: after a reload the new bound applies to the bodies already held too,
 * and each body is checked against the bound of the settings its request started with.
 */
export function createBodyMemory(limitInBytes: number, held: HeldBytes = { bytes: 0 }): BodyMemory {
  return {
    tryReserve(bytes) {
      if (held.bytes + bytes > limitInBytes) return false;
      held.bytes += bytes;
      return true;
    },
    release(bytes) {
      held.bytes -= bytes;
    },
    get heldInBytes() {
      return held.bytes;
    },
    limitInBytes,
  };
}
