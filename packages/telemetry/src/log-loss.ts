/**
 * Why log lines were lost: `full` when stdout did not take them in time (its reader is slow or stalled, or it
 * refused them for now, as a full disk does: the backlog was at its cap, or still waiting at exit); `error` when
 * stdout failed for good (`EPIPE`: the reader closed it); `closed` when they came after the logger was closed.
 */
export type LogLossReason = 'full' | 'error' | 'closed';

/** Log lines stdout never got, for one reason, since the logger started. */
export interface LogLoss {
  readonly reason: LogLossReason;
  readonly lines: number;
  readonly bytes: number;
}

/** Says something on stderr; the default writes without ever waiting on it. */
export type LossReport = (message: string) => void;

/** Why lines were lost, as the operator reads it: reported once per `key`. */
export interface LossCause {
  readonly key: string;
  /** What happened, e.g. "stdout refused log lines (EPIPE)". */
  readonly says: string;
  /** The process is stopping: no "ccb keeps serving". */
  readonly final?: boolean;
}

/**
 * Counts lost log lines by reason and says so on stderr once per cause (`full`, `exit`, an error code): a stalled
 * reader would otherwise get one warning per batch. Later losses only add to the counts, which the metrics publish.
 */
export class LogLossCounter {
  readonly #counts: Record<LogLossReason, { lines: number; bytes: number }> = {
    full: { lines: 0, bytes: 0 },
    error: { lines: 0, bytes: 0 },
    closed: { lines: 0, bytes: 0 },
  };
  readonly #reported = new Set<string>();
  readonly #report: LossReport;

  constructor(report: LossReport = reportOnStderr) {
    this.#report = report;
  }

  /** Counts `lines` lost for `reason`; the first loss of each cause is said on stderr. */
  add(reason: LogLossReason, lines: number, bytes: number, cause: LossCause): void {
    const count = this.#counts[reason];
    count.lines += lines;
    count.bytes += bytes;
    if (this.#reported.has(cause.key)) return;
    this.#reported.add(cause.key);
    const after = cause.final
      ? ''
      : '; ccb keeps serving, and counts later losses for the same reason in the log_lines_dropped metric without reporting them again';
    this.#report(
      `ccb: warning CCB_TELEMETRY_WRITE_FAILED: ${cause.says}: ${lines} log lines (${bytes} bytes) lost${after}\n`,
    );
  }

  /** Every reason, zeros included, so a metric exists before the first loss. */
  snapshot(): readonly LogLoss[] {
    return [
      { reason: 'full', ...this.#counts.full },
      { reason: 'error', ...this.#counts.error },
      { reason: 'closed', ...this.#counts.closed },
    ];
  }
}

/**
 * stderr through Node's stream: a pipe is written at once when it has room and queued in memory otherwise (libuv
 * keeps it non-blocking), so the warning neither waits on a stalled stderr nor comes a tick late, as
 * `process.emitWarning` does (too late for a loss found at exit).
 */
function reportOnStderr(message: string): void {
  try {
    process.stderr.write(message);
  } catch {
    // stderr is gone too: there is nowhere left to say it.
  }
}
