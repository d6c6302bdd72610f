// Tiny AbortSignal helpers that need neither AbortSignal.any nor AbortSignal.timeout (older browsers lack them).
import type { Ending } from '../types.js';

/** What can hand out an AbortSignal when one is needed: a Scope, an AbortController. */
export interface SignalSource {
  readonly signal: AbortSignal;
}

/**
 * A call's (or an attempt's) cancellation: it aborts with the reason of the first parent to abort, after its
 * timeout, or when aborted directly. Its AbortSignal is made on first read: an AbortSignal costs a few
 * microseconds, more than the rest of a call against an in-memory server, and most calls never need one (the
 * engines that send over a socket read it; a cached prefix and token do not).
 */
export interface Scope extends SignalSource, Ending {
  /** Epoch milliseconds at which the scope times out, if it has a deadline. */
  readonly deadline: number | undefined;
  /** Aborts the scope (a no-op once aborted) and releases it. */
  abort(reason: unknown): void;
  /** Releases the parent listeners and the timer; the scope stays as it is. */
  dispose(): void;
}

class LinkedScope implements Scope {
  aborted = false;
  reason: unknown = undefined;
  deadline: number | undefined = undefined;
  private controller: AbortController | undefined;
  private cleanups: (() => void)[] | undefined;
  private listeners: Set<(reason: unknown) => void> | undefined;

  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  abort(reason: unknown): void {
    if (!this.aborted) {
      this.aborted = true;
      this.reason = reason;
      this.controller?.abort(reason);
      const listeners = this.listeners;
      this.listeners = undefined;
      if (listeners !== undefined) for (const listener of listeners) listener(reason);
    }
    this.dispose();
  }

  dispose(): void {
    const cleanups = this.cleanups;
    this.cleanups = undefined;
    if (cleanups !== undefined) for (const cleanup of cleanups) cleanup();
  }

  onAbort(listener: (reason: unknown) => void): () => void {
    if (this.aborted) {
      listener(this.reason);
      return () => undefined;
    }
    (this.listeners ??= new Set()).add(listener);
    return () => this.listeners?.delete(listener);
  }

  /** Runs `cleanup` on dispose (or abort). */
  addCleanup(cleanup: () => void): void {
    (this.cleanups ??= []).push(cleanup);
  }

  /** Aborts after `timeoutMs` with the reason `onTimeout()` builds. */
  setTimeout(timeoutMs: number, onTimeout: (() => unknown) | undefined): void {
    this.deadline = Date.now() + timeoutMs;
    const timer = setTimeout(() => this.abort(onTimeout ? onTimeout() : timeoutReason(timeoutMs)), timeoutMs);
    this.addCleanup(() => clearTimeout(timer));
  }
}

/**
 * Links `parents` (undefined entries are skipped) into one scope that also aborts after `timeoutMs` with the
 * reason `onTimeout()` builds. Call dispose() when done, or long-lived parents keep a listener per call.
 */
export function createScope(
  parents: readonly (AbortSignal | Ending | undefined)[],
  timeoutMs?: number,
  onTimeout?: () => unknown,
): Scope {
  const scope = new LinkedScope();
  const abort = (reason: unknown): void => scope.abort(reason);
  for (const parent of parents) {
    if (parent === undefined) continue;
    if (parent.aborted) {
      abort(parent.reason);
      break;
    }
    scope.addCleanup(isEnding(parent) ? parent.onAbort(abort) : follow(parent, abort));
  }
  if (timeoutMs !== undefined && !scope.aborted) scope.setTimeout(timeoutMs, onTimeout);
  return scope;
}

/** An Ending (a scope, a client's lifetime) rather than an AbortSignal: it is listened to without an EventTarget. */
function isEnding(parent: AbortSignal | Ending): parent is Ending {
  return typeof (parent as Partial<Ending>).onAbort === 'function';
}

/**
 * A scope inside `parent` (aborting with it) that can also be aborted on its own. It shows the parent's deadline
 * unless `deadline: false` (a request that must not send a Grpc-Timeout header; the parent's timer still ends it).
 */
export function childScope(parent: Scope, options: { readonly deadline?: boolean } = {}): Scope {
  const scope = new LinkedScope();
  if (options.deadline !== false) scope.deadline = parent.deadline;
  scope.addCleanup(parent.onAbort((reason) => scope.abort(reason)));
  return scope;
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
  scopes.add(abort);
  const following = scopes;
  return () => following.delete(abort);
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

/** raceSignal for an Ending (a scope): the same race, without making its AbortSignal. */
export function raceEnding<T>(promise: Promise<T>, ending: Ending): Promise<T> {
  if (ending.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(ending.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const stop = ending.onAbort(reject);
    promise.then(
      (value) => {
        stop();
        resolve(value);
      },
      (error: unknown) => {
        stop();
        reject(error);
      },
    );
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
