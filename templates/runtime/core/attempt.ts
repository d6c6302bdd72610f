// One attempt's scaffolding, shared by unary calls and streams: the observe hook reports it, the liveness guard
// watches its endpoint (aborting the attempt's scope when the endpoint hangs, so the failover moves on while the
// call's own scope, its deadline and the caller's signal, stays as it is), and both end when it does.
import type { ClientEvent, ClientOptions } from '../types.js';
import type { Liveness } from './liveness.js';
import type { observeStart, Observation } from './observe.js';
import { childScope, type Scope } from './signals.js';

/** An attempt under way: its scope (guarded), `heard()` on each sign of life, `end()` once it is over. */
export interface OpenAttempt {
  readonly scope: Scope;
  heard(): void;
  /** Reports the attempt (with `error` when it failed) and releases its guard. */
  end(error?: unknown, stoppedByClient?: boolean): void;
}

export interface AttemptDeps {
  readonly options: ClientOptions;
  readonly observe: typeof observeStart | undefined;
  readonly liveness: Liveness | undefined;
}

const UNOBSERVED: Observation = { end: () => undefined };

/** Observes `type`/`operation` on `endpoint` (attempt `n`); free without the observe layer. */
export function observeAttempt(
  deps: AttemptDeps,
  type: ClientEvent['type'],
  operation: string,
  endpoint: string,
  n: number,
): Observation {
  return deps.observe?.(deps.options, type, operation, endpoint, n) ?? UNOBSERVED;
}

/** Opens attempt `n` of `operation` on `endpoint` within the call's `scope`. */
export function openAttempt(
  deps: AttemptDeps,
  type: 'call' | 'stream',
  operation: string,
  endpoint: string,
  n: number,
  scope: Scope,
): OpenAttempt {
  const observed = observeAttempt(deps, type, operation, endpoint, n);
  const guarded = guard(deps.liveness, endpoint, scope);
  let ended = false;
  return {
    scope: guarded.scope,
    heard: guarded.heard,
    end(error, stoppedByClient) {
      if (ended) return;
      ended = true;
      observed.end(error, stoppedByClient);
      guarded.release();
    },
  };
}

/**
 * Runs one attempt: `run` gets it open; a failure is reported (as the call's abort reason once the call was
 * aborted) and rethrown. On success a call's attempt ends; a stream keeps its attempt open (`keep`), to end it
 * when the stream does.
 */
export async function runAttempt<T>(
  deps: AttemptDeps,
  type: 'call' | 'stream',
  operation: string,
  endpoint: string,
  n: number,
  scope: Scope,
  run: (attempt: OpenAttempt) => Promise<T>,
): Promise<{ readonly value: T; readonly attempt: OpenAttempt }> {
  const attempt = openAttempt(deps, type, operation, endpoint, n, scope);
  try {
    const value = await run(attempt);
    if (type === 'call') attempt.end();
    return { value, attempt };
  } catch (error) {
    // A stream stopped by its caller is reported as such; a call reports what it failed with.
    attempt.end(scope.aborted ? scope.reason : error, type === 'stream' && scope.aborted);
    throw error;
  }
}

const nothing = (): void => undefined;

/** The attempt's scope under the liveness monitor, when there is one. */
function guard(
  liveness: Liveness | undefined,
  endpoint: string,
  scope: Scope,
): { scope: Scope; heard(): void; release(): void } {
  if (liveness === undefined) return { scope, heard: nothing, release: nothing };
  const child = childScope(scope);
  const watched = liveness.guard(endpoint, (error) => child.abort(error));
  return {
    scope: child,
    heard: watched.heard,
    release: () => {
      watched.release();
      child.dispose();
    },
  };
}
