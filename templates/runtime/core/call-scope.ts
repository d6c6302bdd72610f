// A call's scope and failover plan: the signals that end it (the caller's, the client's close(), its deadline)
// and how long and how it may be tried again.
import { GrpcCode } from '../codes.js';
import { EtcdError } from '../errors.js';
import type { ClientOptions, Ending, OperationDescriptor } from '../types.js';
import { retryBackoff } from './backoff.js';
import { checkTimeout } from './check-options.js';
import type { FailoverPlan } from './failover.js';
import { createScope, type Scope } from './signals.js';
import { DEFAULT_RETRY_DEADLINE_MS } from './version-cache.js';

/** The call's signal: `signals` and the deadline (aborting with DEADLINE_EXCEEDED). */
export function openCallScope(
  op: OperationDescriptor,
  timeoutMs: number | undefined,
  signals: readonly (AbortSignal | Ending | undefined)[],
): Scope {
  checkTimeout(timeoutMs, 'timeoutMs');
  return createScope(signals, timeoutMs, () => {
    const message = `${op.name} exceeded its deadline of ${timeoutMs} ms`;
    return new EtcdError(message, { code: GrpcCode.DeadlineExceeded, operation: op.name });
  });
}

/** `idempotent`: the caller says this write may be applied twice, so it fails over like a read. */
export function callPlan(
  retry: ClientOptions['retry'],
  op: OperationDescriptor,
  scope: Scope,
  timeoutMs: number | undefined,
  idempotent: boolean,
): FailoverPlan {
  return {
    operation: op.name,
    safety: idempotent ? 'read' : op.safety,
    scope,
    retryDeadline: Date.now() + (retry?.deadlineMs ?? timeoutMs ?? DEFAULT_RETRY_DEADLINE_MS),
    backoff: retryBackoff(retry),
  };
}
