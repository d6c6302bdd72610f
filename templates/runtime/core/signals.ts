// Tiny AbortSignal helpers that need neither AbortSignal.any nor AbortSignal.timeout (older browsers lack them).

/** A signal that aborts with the reason of the first parent to abort, or when aborted directly. */
export interface Scope {
  readonly signal: AbortSignal;
  /** Epoch milliseconds at which the scope times out, if it has a deadline. */
  readonly deadline: number | undefined;
  /** Aborts the scope (a no-op once aborted) and releases it. */
  abort(reason: unknown): void;
  /** Releases the parent listeners and the timer; the signal stays as it is. */
  dispose(): void;
}

/**
 * Links `parents` (undefined entries are skipped) into one signal that also aborts after `timeoutMs` with the
 * reason `onTimeout()` builds. Call dispose() when done, or long-lived parents keep a listener per call.
 */
export function createScope(
  parents: readonly (AbortSignal | undefined)[],
  timeoutMs?: number,
  onTimeout?: () => unknown,
): Scope {
  const controller = new AbortController();
  const cleanups: (() => void)[] = [];
  const dispose = (): void => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  };
  const abort = (reason: unknown): void => {
    if (!controller.signal.aborted) controller.abort(reason);
    dispose();
  };
  for (const parent of parents) {
    if (parent === undefined) continue;
    if (parent.aborted) {
      abort(parent.reason);
      break;
    }
    cleanups.push(follow(parent, abort));
  }
  let deadline: number | undefined;
  if (timeoutMs !== undefined && !controller.signal.aborted) {
    deadline = Date.now() + timeoutMs;
    const timer = setTimeout(() => abort(onTimeout ? onTimeout() : timeoutReason(timeoutMs)), timeoutMs);
    cleanups.push(() => clearTimeout(timer));
  }
  return { signal: controller.signal, deadline, abort, dispose };
}

/**
 * The scopes following each parent signal. A parent gets one 'abort' listener however many scopes follow it: a
 * client's close() signal is the parent of every call in flight, and adding and removing an EventTarget listener
 * per call costs more than the rest of the call's bookkeeping (and warns past 10 concurrent calls in Node).
 */
const followers = new WeakMap<AbortSignal, Set<(reason: unknown) => void>>();

/** Calls `abort(parent.reason)` when `parent` aborts; returns the function that stops following it. */
function follow(parent: AbortSignal, abort: (reason: unknown) => void): () => void {
  let scopes = followers.get(parent);
  if (scopes === undefined) {
    const created = new Set<(reason: unknown) => void>();
    followers.set(parent, created);
    parent.addEventListener(
      'abort',
      () => {
        followers.delete(parent);
        for (const follower of [...created]) follower(parent.reason);
      },
      { once: true },
    );
    scopes = created;
  }
  const follower = (reason: unknown): void => abort(reason);
  scopes.add(follower);
  const following = scopes;
  return () => following.delete(follower);
}

function timeoutReason(ms: number): Error {
  const error = new Error(`timed out after ${ms} ms`);
  error.name = 'TimeoutError';
  return error;
}

/** An Error named AbortError (what a stopped helper's pending promises reject with). */
export function abortError(message: string): Error {
  const error = new Error(message);
  error.name = 'AbortError';
  return error;
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Settles like `promise`, unless `signal` aborts first: then rejects with its reason. The promise keeps running
 * (it may be shared with other callers) and a late rejection of it is handled.
 */
export function raceSignal<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
