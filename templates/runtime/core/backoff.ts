// The one backoff of the runtime (failover rounds, watch re-creation, helpers retrying an unavailable cluster):
// exponential from `initialMs`, capped at `maxMs`, jittered into [base/2, base] so clients do not retry in step.
import { isRetriable } from '../errors.js';
import type { ClientOptions } from '../types.js';
import { sleep } from './signals.js';

export interface Backoff {
  readonly initialMs: number;
  readonly maxMs: number;
}

/** The backoff of failover and watch re-creation: `ClientOptions.retry`, else 50 ms doubling up to 1 s. */
export function retryBackoff(retry: ClientOptions['retry']): Backoff {
  return { initialMs: retry?.initialBackoffMs ?? 50, maxMs: retry?.maxBackoffMs ?? 1_000 };
}

/** The wait before retry number `attempt` (0 for the first retry). */
export function backoffDelay(backoff: Backoff, attempt: number, random: () => number = Math.random): number {
  const base = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(attempt, 20));
  return Math.round(base * (0.5 + random() / 2));
}

/**
 * Runs `call` until it succeeds, retrying after retriable failures (a connection failure or UNAVAILABLE: see
 * isRetriable) with backoff; any other failure, or `signal` aborting (its reason), ends it.
 */
export async function retryRetriable<T>(call: () => Promise<T>, backoff: Backoff, signal: AbortSignal): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (!isRetriable(error)) throw error;
      await sleep(backoffDelay(backoff, attempt), signal);
    }
  }
}
