// Failover across endpoints. A connection failure, an UNAVAILABLE (503) answer or a member shutting down (408
// CANCELLED, errors.ts isClosingMember) moves the client to the next endpoint. Reads are retried there, with jittered exponential backoff between rounds, until the retry deadline;
// writes only when the failure proves the request never reached a server.
import { GrpcCode } from '../codes.js';
import { EtcdConnectionError, EtcdDecodeError, EtcdError, isRetriable, type EndpointFailure } from '../errors.js';
import { backoffDelay, type Backoff } from './backoff.js';
import { moveOn, neverReachedServer } from './endpoints.js';
import { sleep, type Scope } from './signals.js';

/** The endpoints of one client and the one new calls start on (shared by every call). */
export interface EndpointRing {
  readonly endpoints: readonly string[];
  current: number;
}

export interface FailoverPlan {
  readonly operation: string;
  readonly safety: 'read' | 'write';
  /** The call's scope: its abort ends the failover. */
  readonly scope: Scope;
  /** Epoch milliseconds after which no new attempt starts. */
  readonly retryDeadline: number;
  /** The wait between rounds (every endpoint tried once). */
  readonly backoff: Backoff;
}

/** One try on one endpoint. `sent` must be set once the operation's own request may have left the client. */
export interface Attempt {
  readonly endpoint: string;
  sent: boolean;
}

type Verdict = 'fatal' | 'never-sent' | 'maybe-applied';

/** Runs `run` on the current endpoint, failing over as described above; rethrows aborts as their reason. */
export function withFailover<T>(
  ring: EndpointRing,
  plan: FailoverPlan,
  run: (attempt: Attempt) => Promise<T>,
): Promise<T> {
  // The first attempt runs without a frame or failover state of its own: most calls succeed at once.
  const index = nextIndex(ring, NONE_TRIED);
  const attempt: Attempt = { endpoint: ring.endpoints[index] ?? '', sent: false };
  return run(attempt).catch((error: unknown) => failOver(ring, plan, run, index, attempt, error));
}

/** After attempt `attempt` (on endpoint `index`) failed with `error`: the next endpoints, then rounds after a wait. */
async function failOver<T>(
  ring: EndpointRing,
  plan: FailoverPlan,
  run: (attempt: Attempt) => Promise<T>,
  index: number,
  attempt: Attempt,
  error: unknown,
): Promise<T> {
  const failures = new Map<string, unknown>();
  const tried = new Set<number>();
  for (let round = 0; ;) {
    tried.add(index);
    const { scope } = plan;
    if (scope.aborted) {
      // Out of time on this endpoint (a hung member): the next call starts on another one.
      if (isDeadline(scope.reason)) moveOn(ring, index);
      throw scope.reason;
    }
    const verdict = classify(error, attempt.sent);
    if (verdict === 'fatal') throw error;
    failures.delete(attempt.endpoint);
    failures.set(attempt.endpoint, error);
    moveOn(ring, index);
    if (verdict === 'maybe-applied' && plan.safety === 'write') throw notRetried(error, attempt.endpoint, plan);
    if (tried.size >= ring.endpoints.length) {
      const delay = backoffDelay(plan.backoff, round++);
      if (Date.now() + delay >= plan.retryDeadline) throw exhausted(failures, plan);
      await sleep(delay, scope.signal);
      tried.clear();
    }
    index = nextIndex(ring, tried);
    attempt = { endpoint: ring.endpoints[index] ?? '', sent: false };
    try {
      return await run(attempt);
    } catch (next) {
      error = next;
    }
  }
}

const NONE_TRIED: ReadonlySet<number> = new Set();

/** The reason the transport aborts a call with when its deadline passes: DEADLINE_EXCEEDED. */
function isDeadline(reason: unknown): boolean {
  return reason instanceof EtcdError && reason.code === GrpcCode.DeadlineExceeded;
}

/** The current endpoint, or the first one after it not yet tried in this round. */
function nextIndex(ring: EndpointRing, tried: ReadonlySet<number>): number {
  const n = ring.endpoints.length;
  for (let step = 0; step < n; step++) {
    const index = (ring.current + step) % n;
    if (!tried.has(index)) return index;
  }
  return ring.current;
}

/**
 * UNAVAILABLE answers and connection failures are worth another endpoint; any other etcd answer is final. An
 * error before the operation's request left the client (version probe, authentication) never applied it.
 */
function classify(error: unknown, sent: boolean): Verdict {
  if (error instanceof EtcdError) {
    if (!isRetriable(error)) return 'fatal';
    return sent ? 'maybe-applied' : 'never-sent';
  }
  if (error instanceof EtcdDecodeError) return 'fatal';
  return !sent || neverReachedServer(error) ? 'never-sent' : 'maybe-applied';
}

function notRetried(error: unknown, endpoint: string, plan: FailoverPlan): Error {
  if (error instanceof EtcdError) return error;
  const summary = `${plan.operation} failed on ${endpoint} after the request may have reached the server; a write is not retried`;
  return new EtcdConnectionError(summary, [{ endpoint, error }], plan.operation);
}

/** Out of time: when every endpoint answered (503s), the last answer says most; otherwise list each cause. */
function exhausted(failures: ReadonlyMap<string, unknown>, plan: FailoverPlan): Error {
  const answers = [...failures.values()];
  if (answers.every((e) => e instanceof EtcdError)) return answers[answers.length - 1] as EtcdError;
  const causes: EndpointFailure[] = [];
  for (const [endpoint, error] of failures) causes.push({ endpoint, error });
  return new EtcdConnectionError(`${plan.operation} failed on every endpoint`, causes, plan.operation);
}
