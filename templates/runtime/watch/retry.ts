// When a watch breaks: what the failure means (give up, authenticate again, or re-create elsewhere) and how long
// to wait first (jittered exponential backoff). A watch that was created once resumes for as long as the caller
// iterates; one that never got created gives up after the retry deadline, so a wrong endpoint fails loudly.
import { isInvalidTokenError } from '../core/auth.js';
import { GrpcCode } from '../codes.js';
import { backoffDelay, type Backoff } from '../core/backoff.js';
import { EtcdDecodeError, EtcdError, EtcdLimitError, EtcdUnsupportedError } from '../errors.js';

export type FailureAction = 'fatal' | 'reauthenticate' | 'retry';

/** gRPC codes of a passing failure: re-create the watch. */
const RETRIED_CODES: ReadonlySet<number> = new Set([
  GrpcCode.Canceled,
  GrpcCode.DeadlineExceeded,
  GrpcCode.Aborted,
  GrpcCode.Internal,
  GrpcCode.Unavailable,
]);
/** Re-authentications in a row, without a successful creation between them, before giving up. */
const MAX_REAUTHENTICATIONS = 2;

/**
 * An etcd answer is final unless its code says it passes (compaction, permission denied, bad arguments are final);
 * an expired token asks for a new one; anything else (a refused or reset connection, a dead socket, a stream that
 * broke or ended) is a drop worth resuming from.
 */
export function classifyFailure(error: unknown): FailureAction {
  if (error instanceof EtcdLimitError) return 'retry'; // a message past maxMessageBytes broke the stream
  if (error instanceof EtcdError) {
    if (isInvalidTokenError(error)) return 'reauthenticate';
    return RETRIED_CODES.has(error.code) ? 'retry' : 'fatal';
  }
  if (error instanceof EtcdDecodeError || error instanceof EtcdUnsupportedError) return 'fatal';
  return 'retry';
}

export interface WatchRetryOptions {
  readonly backoff: Backoff;
  /** How long a watch that was never created keeps trying. */
  readonly deadlineMs: number;
}

export class WatchRetry {
  private failures = 0;
  private reauthentications = 0;
  private everCreated = false;
  private readonly startedAt: number;

  constructor(
    private readonly options: WatchRetryOptions,
    private readonly random: () => number = Math.random,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
  }

  /** The server created the watch. */
  created(): void {
    this.everCreated = true;
    this.reauthentications = 0;
  }

  /** Events or progress arrived: the next drop starts the backoff from the beginning. */
  healthy(): void {
    this.failures = 0;
  }

  /**
   * After `error` broke the watch: the delay (ms) before the next attempt, and whether to authenticate first.
   * Throws `error` when the watch must end.
   */
  after(error: unknown): { readonly delayMs: number; readonly reauthenticate: boolean } {
    const action = classifyFailure(error);
    if (action === 'fatal') throw error;
    if (action === 'reauthenticate') {
      this.reauthentications += 1;
      if (this.reauthentications > MAX_REAUTHENTICATIONS) throw error;
      // The first fresh token is fetched at once; a second expiry in a row waits like any failure.
      return { delayMs: this.reauthentications === 1 ? 0 : this.backoff(), reauthenticate: true };
    }
    if (!this.everCreated && this.now() - this.startedAt >= this.options.deadlineMs) throw error;
    return { delayMs: this.backoff(), reauthenticate: false };
  }

  private backoff(): number {
    return backoffDelay(this.options.backoff, this.failures++, this.random);
  }
}

/**
 * Streams broken by a message past `maxMessageBytes`, per endpoint, since events last came through. The first
 * time on an endpoint the watch resumes there; the second time it moves to the next endpoint; once that happened
 * on every endpoint, the watch ends with the error (an answer it cannot read anywhere would loop for ever).
 */
export class LimitStrikes {
  private readonly strikes = new Map<string, number>();

  /** After `error` broke the stream: whether to leave its endpoint; throws it when every endpoint struck out. */
  struck(error: EtcdLimitError, endpointCount: number): { readonly moveOn: boolean } {
    const endpoint = error.endpoint ?? '';
    const count = (this.strikes.get(endpoint) ?? 0) + 1;
    this.strikes.set(endpoint, count);
    if (count < 2) return { moveOn: false };
    let out = 0;
    for (const n of this.strikes.values()) if (n >= 2) out += 1;
    if (out >= Math.max(1, endpointCount)) throw error;
    return { moveOn: true };
  }

  /** Events came through: limits broken before count no more. */
  clear(): void {
    this.strikes.clear();
  }
}
