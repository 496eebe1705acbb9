import { stateFor, type TieBreakState } from './_tie-break.js';
import type { RoutingCandidate, RoutingStrategy, StrategyOptions } from './routing-strategy.js';

interface WeightedState extends TieBreakState {
  /** nginx's `current_weight`. */
  current: number;
}

function createState(rank: number): WeightedState {
  return { rank, current: 0 };
}

function isAhead(state: WeightedState, other: WeightedState): boolean {
  return state.current > other.current || (state.current === other.current && state.rank < other.rank);
}

/**
 * Smooth weighted round-robin (nginx's algorithm): each call adds every candidate's weight to its current
 * weight, chooses the highest, and subtracts the total weight from the chosen one. Weights 3:1 give exactly
 * three of every four first choices to the heavier target, interleaved (`A A B A`), never in bursts
 * (`A A A B`). The rest of the plan follows in descending current weight, i.e. who is owed the next turn.
 *
 * State is kept per name, so a candidate absent from a call (another model, unusable) keeps its place.
 * See https://github.com/nginx/nginx/commit/52327e0627f49dbda1e8db695e63a4b0af4448b1.
 */
export function weighted(options: StrategyOptions = {}): RoutingStrategy {
  const random = options.random ?? Math.random;
  const states = new Map<string, WeightedState>();

  return {
    name: 'weighted',
    order<Candidate extends RoutingCandidate>(candidates: readonly Candidate[]): Candidate[] {
      let totalWeight = 0;
      let chosen: Candidate | undefined;
      let chosenState: WeightedState | undefined;
      for (const candidate of candidates) {
        const state = stateFor(states, candidate.name, random, createState);
        state.current += candidate.weight;
        totalWeight += candidate.weight;
        if (chosenState === undefined || isAhead(state, chosenState)) {
          chosen = candidate;
          chosenState = state;
        }
      }
      if (chosen === undefined || chosenState === undefined) return [];
      chosenState.current -= totalWeight;

      // Insertion sort of the (few) remaining candidates; stable, so equal ones keep configuration order.
      const ordered: Candidate[] = [chosen];
      for (const candidate of candidates) {
        if (candidate === chosen) continue;
        const state = states.get(candidate.name) as WeightedState;
        let position = ordered.length;
        while (
          position > 1 &&
          isAhead(state, states.get((ordered[position - 1] as Candidate).name) as WeightedState)
        ) {
          position -= 1;
        }
        ordered.splice(position, 0, candidate);
      }
      return ordered;
    },

    peek<Candidate extends RoutingCandidate>(candidates: readonly Candidate[]): Candidate[] {
      // What order() would do: rank by the current weight each candidate would reach on this call.
      const ordered: Candidate[] = [];
      for (const candidate of candidates) {
        const state = stateFor(states, candidate.name, random, createState);
        const projected = state.current + candidate.weight;
        let position = ordered.length;
        while (position > 0) {
          const before = ordered[position - 1] as Candidate;
          const beforeState = states.get(before.name) as WeightedState;
          const beforeProjected = beforeState.current + before.weight;
          if (
            projected < beforeProjected ||
            (projected === beforeProjected && state.rank >= beforeState.rank)
          )
            break;
          position -= 1;
        }
        ordered.splice(position, 0, candidate);
      }
      return ordered;
    },
  };
}
