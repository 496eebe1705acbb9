import { stateFor, type TieBreakState } from './_tie-break.js';
import type { RoutingCandidate, RoutingStrategy, StrategyOptions } from './routing-strategy.js';

interface RoundRobinState extends TieBreakState {
  /** Sequence number of the call that last chose this name first; 0 = never. */
  lastChosenAt: number;
}

function createState(rank: number): RoundRobinState {
  return { rank, lastChosenAt: 0 };
}

/**
 * Round-robin: every candidate gets the same share, one after another. The first choice is the candidate that
 * was chosen least recently (state is kept per name, so turns stay fair when the candidate set changes between
 * requests, e.g. for different models); the rest follow in configuration order, wrapping around.
 */
export function roundRobin(options: StrategyOptions = {}): RoutingStrategy {
  const random = options.random ?? Math.random;
  const states = new Map<string, RoundRobinState>();
  let sequence = 0;

  /** Rotates `candidates` to start at the one chosen least recently; `advance` records that choice. */
  function arrange<Candidate extends RoutingCandidate>(
    candidates: readonly Candidate[],
    advance: boolean,
  ): Candidate[] {
    const count = candidates.length;
    let chosenIndex = -1;
    let chosenState: RoundRobinState | undefined;
    for (let index = 0; index < count; index++) {
      const state = stateFor(states, (candidates[index] as Candidate).name, random, createState);
      if (
        chosenState === undefined ||
        state.lastChosenAt < chosenState.lastChosenAt ||
        (state.lastChosenAt === chosenState.lastChosenAt && state.rank < chosenState.rank)
      ) {
        chosenIndex = index;
        chosenState = state;
      }
    }
    if (chosenState === undefined) return [];
    if (advance) {
      sequence += 1;
      chosenState.lastChosenAt = sequence;
    }

    const ordered: Candidate[] = [];
    for (let offset = 0; offset < count; offset++) {
      ordered.push(candidates[(chosenIndex + offset) % count] as Candidate);
    }
    return ordered;
  }

  return {
    name: 'round-robin',
    order: (candidates) => arrange(candidates, true),
    peek: (candidates) => arrange(candidates, false),
  };
}
