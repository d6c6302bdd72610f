// client.withLock: run a function while holding a distributed lock of etcd's v3lock service, the same lock
// `etcdctl lock` and Go's concurrency.Mutex take (a key `<name>/<lease id in hex>` under the lock's name).
import type { BytesInput } from '../../wire/codec.js';
import { LeaseLostError, startLeaseKeeper, type LeaseHelperApi } from '../lease/keeper.js';
import { retryRetriable, type Backoff } from '../../core/backoff.js';
import { createScope } from '../../core/signals.js';
import type { CallOptions } from '../../types.js';

/** The part of the generated Lock service withLock calls. */
export interface LockApi {
  lock(request: { name?: BytesInput; lease?: bigint }, options?: CallOptions): Promise<{ key: Uint8Array }>;
  unlock(request: { key?: BytesInput }, options?: CallOptions): Promise<unknown>;
}

export interface WithLockOptions {
  /** TTL of the lease behind the lock, in seconds (default 60, as Go's concurrency sessions): how long the
   * lock outlives a crashed holder. */
  ttl?: number | undefined;
  /** Aborting gives up waiting for the lock, or aborts the signal `fn` gets; the lock is released either way. */
  signal?: AbortSignal | undefined;
}

/** The lock held while `fn` runs; `key` can guard writes in a txn (`compare create_revision(key) > 0`). */
export interface HeldLock {
  readonly key: Uint8Array;
  readonly lease: bigint;
}

/**
 * `client.withLock(name, fn, options?)`: grants a lease and keeps it alive, waits for the lock, runs
 * `fn(signal, lock)`, then unlocks and revokes the lease, also when `fn` throws or the caller aborts. `signal`
 * aborts when the lease is lost (the lock may then be held by someone else) or the caller aborts; if the lease
 * was lost while `fn` ran, withLock rejects with the LeaseLostError even when `fn` resolved. If the client has a
 * default `timeoutMs`, it also bounds the wait for the lock.
 */
export type WithLock = <T>(
  name: BytesInput,
  fn: (signal: AbortSignal, lock: HeldLock) => Promise<T> | T,
  options?: WithLockOptions,
) => Promise<T>;

export interface LockHelperApi extends LeaseHelperApi {
  readonly lock: LockApi;
}

const DEFAULT_TTL_SECONDS = 60;
const RETRY_BACKOFF: Backoff = { initialMs: 250, maxMs: 1_000 };

/** Client helper factory behind `client.withLock`. */
export function createWithLock(api: LockHelperApi): WithLock {
  return (name, fn, options) => withLock(api, name, fn, options);
}

export async function withLock<T>(
  api: LockHelperApi,
  name: BytesInput,
  fn: (signal: AbortSignal, lock: HeldLock) => Promise<T> | T,
  options: WithLockOptions = {},
): Promise<T> {
  options.signal?.throwIfAborted();
  const keeper = await startLeaseKeeper(api, { ttl: options.ttl ?? DEFAULT_TTL_SECONDS });
  const scope = createScope([options.signal, keeper.signal]);
  try {
    const { key } = await acquire(api.lock, name, keeper.id, scope.signal);
    try {
      const result = await fn(scope.signal, { key, lease: keeper.id });
      if (keeper.signal.reason instanceof LeaseLostError) throw keeper.signal.reason;
      return result;
    } finally {
      // Revoking the lease below deletes the key too; unlocking first wakes the next waiter without a lease round.
      await api.lock.unlock({ key }).catch(() => undefined);
    }
  } finally {
    scope.dispose();
    await keeper.revoke().catch(() => undefined); // the lease still expires after its TTL if this fails
  }
}

/**
 * lock.lock, retried after connection failures: locking again with the same lease is the same acquisition (etcd
 * finds the key it already put), so a retry cannot take the lock twice.
 */
function acquire(lock: LockApi, name: BytesInput, lease: bigint, signal: AbortSignal): Promise<{ key: Uint8Array }> {
  return retryRetriable(() => lock.lock({ name, lease }, { signal }), RETRY_BACKOFF, signal);
}
