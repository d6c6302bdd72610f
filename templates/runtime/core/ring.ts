// The endpoint ring: the client's endpoints and the one new calls start on, shared by calls, failover, liveness
// and the watch hub; auto-sync replaces its endpoints. Without the failover layer a call makes one attempt here.
import { EtcdConnectionError, EtcdDecodeError, EtcdError } from '../errors.js';
import { moveOn, normalizeEndpoints } from './endpoints.js';
import type { Attempt, EndpointRing, FailoverPlan } from './failover.js';

export interface Ring extends EndpointRing {
  endpoints: readonly string[];
  /** The endpoint new calls start on. */
  readonly currentEndpoint: string;
  /** Auto-sync found these members: new calls use them, starting on the current endpoint if it is still there. */
  replace(endpoints: readonly string[]): void;
  /** `endpoint` failed: if new calls start there, they start on the next one. */
  failed(endpoint: string): void;
}

export function createRing(endpoints: string | readonly string[]): Ring {
  return {
    endpoints: normalizeEndpoints(endpoints),
    current: 0,
    get currentEndpoint() {
      return this.endpoints[this.current] ?? '';
    },
    replace(next) {
      const kept = this.endpoints[this.current] === undefined ? -1 : next.indexOf(this.currentEndpoint);
      this.endpoints = next;
      this.current = Math.max(0, kept);
    },
    failed(endpoint) {
      moveOn(this, this.endpoints.indexOf(endpoint));
    },
  };
}

/** Without the failover layer: one attempt on the current endpoint; a connection failure moves the next call on. */
export async function oneAttempt<T>(
  ring: EndpointRing,
  plan: FailoverPlan,
  run: (attempt: Attempt) => Promise<T>,
): Promise<T> {
  const attempt: Attempt = { endpoint: ring.endpoints[ring.current] ?? '', sent: false };
  try {
    return await run(attempt);
  } catch (error) {
    if (plan.scope.aborted || error instanceof EtcdError || error instanceof EtcdDecodeError) throw error;
    moveOn(ring, ring.endpoints.indexOf(attempt.endpoint));
    throw new EtcdConnectionError(
      `${plan.operation} failed on ${attempt.endpoint}`,
      [{ endpoint: attempt.endpoint, error }],
      plan.operation,
    );
  }
}
