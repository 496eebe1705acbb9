/** Whether a performance goal of the issues was met in this run. */
export type GoalStatus = 'met' | 'missed' | 'not measured';

/** One checked goal: which, where, the measured value against the limit. */
export interface GoalCheck {
  readonly goal: string;
  readonly scenario: string;
  readonly measured: string;
  readonly limit: string;
  readonly status: GoalStatus;
}
