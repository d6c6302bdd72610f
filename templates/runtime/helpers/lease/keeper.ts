// client.leaseKeeper: a lease kept alive in the background. Every TTL/3 it sends one keepalive (the gateway
// answers each request object once and ends the stream); a failed keepalive is retried, on the next endpoint,
// until the lease's TTL has run out. The lease is lost when the server answers TTL 0 (revoked or expired) or no
// keepalive succeeded in time; then `signal` aborts and `lost` resolves.
import { GrpcCode } from '../../codes.js';
import { EtcdError, isRetriable } from '../../errors.js';
import { toBigInt, type Int64Input, type Int64Output } from '../../wire/int64.js';
import { abortError, sleep } from '../../core/signals.js';
import type { CallOptions, Transport } from '../../types.js';

export type { Int64Output } from '../../wire/int64.js';

/** The part of the generated Lease service the helpers call. */
export interface LeaseApi {
  grant(
    request: { TTL?: Int64Input; ID?: Int64Input },
    options?: CallOptions,
  ): Promise<{ ID: Int64Output; TTL: Int64Output }>;
  keepAlive(request: { ID?: Int64Input }, options?: CallOptions): AsyncIterable<{ TTL: Int64Output }>;
  revoke(request: { ID?: Int64Input }, options?: CallOptions): Promise<unknown>;
}

/** `{ ttl }` grants a new lease of `ttl` seconds; `{ id }` adopts an existing one. `signal` aborting = close(). */
export type LeaseKeeperOptions = ({ ttl: number; id?: undefined } | { id: Int64Input; ttl?: undefined }) & {
  signal?: AbortSignal | undefined;
};

export interface LeaseKeeper {
  /** The lease ID (exceeds 2^53: always a bigint). */
  readonly id: bigint;
  /** The TTL in seconds the server granted last. */
  readonly ttl: number;
  /**
   * Aborts when the lease can no longer be relied on: lost (reason: a LeaseLostError), or revoke()/close()
   * (reason: an AbortError).
   */
  readonly signal: AbortSignal;
  /** Resolves with the LeaseLostError when the lease is lost; stays pending after revoke() or close(). */
  readonly lost: Promise<LeaseLostError>;
  /** Stops keeping the lease alive and revokes it (deleting its keys). Idempotent. */
  revoke(): Promise<void>;
  /** Stops keeping the lease alive without revoking it: it expires after its TTL. Idempotent. */
  close(): void;
}

/** `client.leaseKeeper(options)`. */
export type LeaseKeeperFactory = (options: LeaseKeeperOptions) => Promise<LeaseKeeper>;

/** The lease is gone: etcd answered TTL 0 (revoked or expired), or no keepalive succeeded before the TTL ran out. */
export class LeaseLostError extends Error {
  override readonly name: string = 'LeaseLostError';
  readonly leaseId: bigint;

  constructor(leaseId: bigint, why: string, cause?: unknown) {
    super(`lease ${leaseId} is lost: ${why}`, cause === undefined ? undefined : { cause });
    this.leaseId = leaseId;
  }
}

const RETRY_DELAY_MS = 500;
const MIN_ATTEMPT_MS = 1_000;

export interface LeaseHelperApi {
  readonly transport: Transport;
  readonly lease: LeaseApi;
}

/** Client helper factory behind `client.leaseKeeper`. */
export function createLeaseKeeperFactory(api: LeaseHelperApi): LeaseKeeperFactory {
  return (options) => startLeaseKeeper(api, options);
}

export async function startLeaseKeeper(api: LeaseHelperApi, options: LeaseKeeperOptions): Promise<LeaseKeeper> {
  const callOptions: CallOptions = options.signal === undefined ? {} : { signal: options.signal };
  const startedAt = Date.now();
  let id: bigint;
  let ttl: number;
  if (options.id !== undefined) {
    id = toBigInt(options.id);
    ttl = await keepAliveOnce(api.lease, id, callOptions);
    if (ttl <= 0) throw new LeaseLostError(id, 'etcd does not know it (revoked or expired)');
  } else {
    checkTtl(options.ttl);
    const granted = await api.lease.grant({ TTL: options.ttl }, callOptions);
    id = toBigInt(granted.ID);
    ttl = Number(toBigInt(granted.TTL));
  }
  const keeper = new Keeper(api.lease, id, ttl, startedAt + ttl * 1000);
  keeper.follow([options.signal, api.transport.closed]);
  return keeper;
}

class Keeper implements LeaseKeeper {
  readonly signal: AbortSignal;
  readonly lost: Promise<LeaseLostError>;
  private readonly controller = new AbortController();
  private readonly calls = new AbortController();
  private resolveLost: (error: LeaseLostError) => void = () => undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly unfollow: (() => void)[] = [];
  private revoking: Promise<void> | undefined;
  private lastError: unknown;

  constructor(
    private readonly lease: LeaseApi,
    readonly id: bigint,
    public ttl: number,
    /** Epoch ms after which the lease has surely expired unless a keepalive succeeded since. */
    private expiresAt: number,
  ) {
    this.signal = this.controller.signal;
    this.lost = new Promise((resolve) => (this.resolveLost = resolve));
    this.schedule(this.interval());
  }

  /** Closes the keeper when any of `signals` aborts. */
  follow(signals: readonly (AbortSignal | undefined)[]): void {
    for (const signal of signals) {
      if (signal === undefined) continue;
      if (signal.aborted) return this.close();
      const onAbort = (): void => this.close();
      signal.addEventListener('abort', onAbort, { once: true });
      this.unfollow.push(() => signal.removeEventListener('abort', onAbort));
    }
  }

  revoke(): Promise<void> {
    if (this.revoking !== undefined) return this.revoking;
    const wasLost = this.signal.aborted && this.signal.reason instanceof LeaseLostError;
    this.stop(abortError(`lease ${this.id} was revoked by its keeper`));
    this.revoking = wasLost ? Promise.resolve() : revokeLease(this.lease, this.id, this.expiresAt);
    return this.revoking;
  }

  close(): void {
    this.stop(abortError(`the keeper of lease ${this.id} was closed`));
  }

  private interval(): number {
    return Math.max(100, (this.ttl * 1000) / 3);
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => void this.renew(), ms);
  }

  private async renew(): Promise<void> {
    this.timer = undefined;
    const sentAt = Date.now();
    const remaining = this.expiresAt - sentAt;
    if (remaining <= 0) return this.lose(`no keepalive succeeded within its TTL of ${this.ttl} s`, this.lastError);
    try {
      // One attempt gets at most a keepalive interval, so a hung member leaves time to retry on another one.
      const timeoutMs = Math.min(remaining, Math.max(MIN_ATTEMPT_MS, this.interval()));
      const ttl = await keepAliveOnce(this.lease, this.id, { signal: this.calls.signal, timeoutMs });
      if (this.signal.aborted) return;
      if (ttl <= 0) return this.lose('etcd answered TTL 0 (revoked or expired)');
      this.ttl = ttl;
      this.expiresAt = sentAt + ttl * 1000;
      this.lastError = undefined;
      this.schedule(this.interval());
    } catch (error) {
      if (this.signal.aborted) return;
      this.lastError = error;
      this.schedule(Math.max(0, Math.min(RETRY_DELAY_MS, this.expiresAt - Date.now())));
    }
  }

  private lose(why: string, cause?: unknown): void {
    const error = new LeaseLostError(this.id, why, cause);
    if (this.stop(error)) this.resolveLost(error);
  }

  /** Stops the timer and in-flight keepalives and aborts `signal`; false if already stopped. */
  private stop(reason: unknown): boolean {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    for (const undo of this.unfollow.splice(0)) undo();
    if (this.signal.aborted) return false;
    this.controller.abort(reason);
    this.calls.abort(reason);
    return true;
  }
}

/** One keepalive round trip: the TTL etcd answers (0 when the lease is gone). */
export async function keepAliveOnce(lease: LeaseApi, id: bigint, options: CallOptions): Promise<number> {
  for await (const response of lease.keepAlive({ ID: id }, options)) return Number(toBigInt(response.TTL));
  throw new EtcdError(`lease.keepAlive for lease ${id} ended without an answer`, {
    code: GrpcCode.Unavailable,
    operation: 'lease.keepAlive',
  });
}

/**
 * Revokes `id`, retrying connection failures (revoking twice is harmless) until the lease would have expired
 * anyway; NOT_FOUND means it is already gone.
 */
export async function revokeLease(lease: LeaseApi, id: bigint, expiresAt: number): Promise<void> {
  for (;;) {
    try {
      await lease.revoke({ ID: id });
      return;
    } catch (error) {
      if (error instanceof EtcdError && error.code === GrpcCode.NotFound) return;
      if (!isRetriable(error) || Date.now() + RETRY_DELAY_MS >= expiresAt) throw error;
      await sleep(RETRY_DELAY_MS, new AbortController().signal);
    }
  }
}

function checkTtl(ttl: number): void {
  if (!Number.isSafeInteger(ttl) || ttl <= 0) {
    throw new RangeError(`leaseKeeper: ttl must be a positive whole number of seconds, got ${String(ttl)}`);
  }
}
