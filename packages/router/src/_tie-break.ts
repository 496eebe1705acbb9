/**
 * Per-name random tie-break ranks. A rank is drawn once, when a name is first seen, and never changes: ties then
 * resolve the same way on every call (stable interleaving) while differing between instances.
 */
export interface TieBreakState {
  /** Random rank in [0, 1); lower wins a tie. */
  readonly rank: number;
}

/** Returns the state of `name`, creating it with `create(rank)` on first sight. */
export function stateFor<State extends TieBreakState>(
  states: Map<string, State>,
  name: string,
  random: () => number,
  create: (rank: number) => State,
): State {
  let state = states.get(name);
  if (state === undefined) {
    state = create(random());
    states.set(name, state);
  }
  return state;
}
