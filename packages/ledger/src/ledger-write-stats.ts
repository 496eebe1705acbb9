/** Counters of a ledger's write queue, e.g. for metrics. */
export interface LedgerWriteStats {
  /** Rows recorded and not yet written. */
  readonly pendingRows: number;
  /** Rows written since the ledger opened. */
  readonly writtenRows: number;
  /** Rows dropped since the ledger opened because the queue was full while writes failed (`maxPendingRows`). */
  readonly droppedRows: number;
}
