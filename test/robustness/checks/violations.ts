/** A broken guarantee, and the etcd bugs (issue numbers) that could explain it on an old server. */
export interface Violation {
  readonly kind: ViolationKind;
  readonly message: string;
  /** etcd-io/etcd issues that produce this kind of violation; matched against the server's `knownBugs`. */
  readonly candidateBugs: readonly number[];
}

export type ViolationKind =
  | 'linearizability'
  | 'serializable-read'
  | 'stale-read'
  | 'duplicate-value'
  | 'watch-ordered'
  | 'watch-unique'
  | 'watch-atomic'
  | 'watch-bookmarkable'
  | 'watch-reliable'
  | 'watch-resumable'
  | 'watch-prev-kv'
  | 'watch-compacted'
  | 'bank-total'
  | 'lock-overlap'
  | 'lock-fencing'
  | 'mirror';

export function violation(kind: ViolationKind, message: string, candidateBugs: readonly number[] = []): Violation {
  return { kind, message, candidateBugs };
}

/** Stale reads after a pause (fixed in 3.5.x/3.4.x after 3.4.23): a paused member serving a read it should not. */
export const STALE_READ_BUGS = [20418] as const;
/** Requested progress notifications sent before events still on their way. */
export const PROGRESS_ORDER_BUGS = [15220] as const;
/** Watches from a future revision, on a member that is behind. */
export const FUTURE_WATCH_BUGS = [20221] as const;
/** Watch events lost around compaction. */
export const COMPACTION_WATCH_BUGS = [17529, 18089, 19179] as const;
