// client.leaderElection: leader election over etcd's v3election service (the election Go's concurrency.Election
// and `etcdctl elect` run). Each campaign holds its own kept-alive lease; leadership ends with that lease.
import { textToBytes } from '../../wire/bytes.js';
import type { BytesInput } from '../../wire/codec.js';
import { GrpcCode } from '../../codes.js';
import { EtcdError } from '../../errors.js';
import { toBigInt, type Int64Output } from '../../wire/int64.js';
import { startLeaseKeeper, type LeaseHelperApi, type LeaseKeeper } from '../lease/keeper.js';
import { retryRetriable, type Backoff } from '../../core/backoff.js';
import { createScope } from '../../core/signals.js';
import type { CallOptions } from '../../types.js';
import { createWatchEvents } from '../../watch/index.js';
import type { EncodeWatchRequest, WatchResponseShape } from '../../watch/types.js';
import { observeLeaders, toLeader, type ElectionKvApi, type ElectionLeader, type ObserveDeps } from './observe.js';

export type { ElectionLeader } from './observe.js';

interface WireLeaderKey {
  name: Uint8Array;
  key: Uint8Array;
  rev: Int64Output;
  lease: Int64Output;
}

interface WireLeaderKv {
  key: Uint8Array;
  value: Uint8Array;
  createRevision: Int64Output;
  modRevision: Int64Output;
  lease: Int64Output;
}

/** The part of the generated Election service the helper calls. */
export interface ElectionApi {
  campaign(
    request: { name?: BytesInput; lease?: bigint; value?: BytesInput },
    options?: CallOptions,
  ): Promise<{ leader?: WireLeaderKey | undefined }>;
  proclaim(request: { leader?: WireLeaderKey; value?: BytesInput }, options?: CallOptions): Promise<unknown>;
  resign(request: { leader?: WireLeaderKey }, options?: CallOptions): Promise<unknown>;
  leader(request: { name?: BytesInput }, options?: CallOptions): Promise<{ kv?: WireLeaderKv | undefined }>;
}

/** Won leadership. `signal` aborts when it ends: the lease is lost (LeaseLostError) or resign() was called. */
export interface Leadership {
  readonly key: Uint8Array;
  readonly lease: bigint;
  readonly createRevision: bigint;
  readonly signal: AbortSignal;
}

export interface LeaderElection {
  readonly name: Uint8Array;
  /**
   * Joins the election with `value` and resolves once this candidate is the leader (candidates are served in
   * the order they joined). Aborting `signal` withdraws the candidacy. One campaign per object at a time.
   */
  campaign(value: BytesInput, options?: { signal?: AbortSignal | undefined }): Promise<Leadership>;
  /**
   * Changes the value the current leadership proclaims. During a pending campaign the value is queued (the last
   * one wins): it is proclaimed as soon as the campaign is won, before campaign() resolves, and the promise
   * resolves then; it rejects with the campaign's error if the campaign fails, is aborted or resigned. Throws
   * when this object is not campaigning at all.
   */
  proclaim(value: BytesInput): Promise<void>;
  /** Gives up leadership (or a pending candidacy) and revokes its lease; a no-op when not campaigning. */
  resign(): Promise<void>;
  /** The current leader, or undefined when there is none. */
  leader(options?: CallOptions): Promise<ElectionLeader | undefined>;
  /**
   * The current leader, then every change: a new leader, a proclamation, and `undefined` whenever there is no
   * leader (the leader resigned or lost its lease and no candidate waits; also first, when there is none). A
   * handover to a waiting candidate names the new leader directly. It reads the election's keys and watches them
   * (surviving drops without missing a change); aborting `signal` or stopping the loop ends it.
   */
  observe(options?: { signal?: AbortSignal | undefined }): AsyncGenerator<ElectionLeader | undefined, void, undefined>;
}

export interface LeaderElectionOptions {
  /** TTL of each campaign's lease, in seconds (default 60, as Go's concurrency sessions). */
  ttl?: number | undefined;
}

/** `client.leaderElection(name, options?)`. */
export type LeaderElectionFactory = (name: BytesInput, options?: LeaderElectionOptions) => LeaderElection;

export interface ElectionHelperApi extends LeaseHelperApi {
  readonly election: ElectionApi;
  /** observe reads the candidates' keys and watches them. */
  readonly kv: ElectionKvApi;
  readonly watch: unknown;
  readonly decodeWatchResponse: (wire: unknown) => WatchResponseShape;
  readonly encodeWatchRequest: EncodeWatchRequest;
}

const DEFAULT_TTL_SECONDS = 60;
const RETRY_BACKOFF: Backoff = { initialMs: 250, maxMs: 2_000 };

/** Client helper factory behind `client.leaderElection`. */
export function createLeaderElectionFactory(api: ElectionHelperApi): LeaderElectionFactory {
  const { transport, watch, decodeWatchResponse, encodeWatchRequest } = api;
  const watchEvents = createWatchEvents({ transport, watch, decodeWatchResponse, encodeWatchRequest });
  const observeDeps: ObserveDeps = { kv: api.kv, watchEvents: watchEvents as ObserveDeps['watchEvents'] };
  return (name, options = {}) =>
    new Election(api, observeDeps, typeof name === 'string' ? textToBytes(name) : name, options);
}

interface Candidacy {
  /** The campaign's lease, kept alive; it is being granted until this settles. */
  readonly keeper: Promise<LeaseKeeper>;
  leaderKey: WireLeaderKey | undefined;
  /** A value proclaimed while the campaign was pending, and the proclaim() calls waiting for it. */
  queued: { value: BytesInput; waiters: { resolve: () => void; reject: (error: unknown) => void }[] } | undefined;
}

class Election implements LeaderElection {
  private current: Candidacy | undefined;

  constructor(
    private readonly api: ElectionHelperApi,
    private readonly observeDeps: ObserveDeps,
    readonly name: Uint8Array,
    private readonly options: LeaderElectionOptions,
  ) {}

  async campaign(value: BytesInput, options: { signal?: AbortSignal | undefined } = {}): Promise<Leadership> {
    if (this.current !== undefined) throw new Error(`election ${this.label()}: already campaigning; resign() first`);
    options.signal?.throwIfAborted();
    // Pending from here on, while the lease is granted too: proclaim() queues, resign() withdraws.
    const granting = startLeaseKeeper(this.api, { ttl: this.options.ttl ?? DEFAULT_TTL_SECONDS });
    const candidacy: Candidacy = { keeper: granting, leaderKey: undefined, queued: undefined };
    this.current = candidacy;
    let keeper: LeaseKeeper;
    try {
      keeper = await granting;
    } catch (error) {
      this.forget(candidacy);
      rejectQueued(candidacy, error);
      throw error;
    }
    if (this.current !== candidacy) throw resignedEarly(this.label()); // resign() revokes the lease
    void keeper.lost.then(() => this.forget(candidacy));
    const scope = createScope([options.signal, keeper.signal]);
    try {
      const request = { name: this.name, lease: keeper.id, value };
      const { leader } = await retryRetriable(
        () => this.api.election.campaign(request, { signal: scope.signal }),
        RETRY_BACKOFF,
        scope.signal,
      );
      if (leader === undefined)
        throw new EtcdError(`election.campaign answered no leader key`, { code: GrpcCode.Unknown });
      candidacy.leaderKey = leader;
      await this.proclaimQueued(candidacy, leader);
      return { key: leader.key, lease: keeper.id, createRevision: toBigInt(leader.rev), signal: keeper.signal };
    } catch (error) {
      this.forget(candidacy);
      await keeper.revoke().catch(() => undefined);
      const reason = scope.signal.aborted ? scope.signal.reason : error;
      rejectQueued(candidacy, reason);
      throw reason;
    } finally {
      scope.dispose();
    }
  }

  async proclaim(value: BytesInput): Promise<void> {
    const candidacy = this.current;
    if (candidacy === undefined) throw new Error(`election ${this.label()}: proclaim() needs a won campaign`);
    const leader = candidacy.leaderKey;
    if (leader !== undefined) {
      await this.api.election.proclaim({ leader, value });
      return;
    }
    return new Promise<void>((resolve, reject) => {
      const waiters = candidacy.queued?.waiters ?? [];
      waiters.push({ resolve, reject });
      candidacy.queued = { value, waiters };
    });
  }

  /** Proclaims what was queued during the campaign (a failure rejects the queued calls, not the campaign). */
  private async proclaimQueued(candidacy: Candidacy, leader: WireLeaderKey): Promise<void> {
    const queued = candidacy.queued;
    if (queued === undefined) return;
    candidacy.queued = undefined;
    try {
      await this.api.election.proclaim({ leader, value: queued.value });
      for (const waiter of queued.waiters) waiter.resolve();
    } catch (error) {
      for (const waiter of queued.waiters) waiter.reject(error);
    }
  }

  async resign(): Promise<void> {
    const candidacy = this.current;
    if (candidacy === undefined) return;
    this.forget(candidacy);
    rejectQueued(candidacy, resignedEarly(this.label()));
    // Revoking the lease deletes the election key as well; resigning first just hands over without waiting on it.
    if (candidacy.leaderKey !== undefined) {
      await this.api.election.resign({ leader: candidacy.leaderKey }).catch(() => undefined);
    }
    const keeper = await candidacy.keeper.catch(() => undefined); // a lease that could not be granted: nothing held
    await keeper?.revoke();
  }

  async leader(options?: CallOptions): Promise<ElectionLeader | undefined> {
    try {
      const { kv } = await this.api.election.leader({ name: this.name }, options);
      return kv === undefined ? undefined : toLeader(kv);
    } catch (error) {
      if (error instanceof EtcdError && /election: no leader/.test(error.message)) return undefined;
      throw error;
    }
  }

  observe(
    options: { signal?: AbortSignal | undefined } = {},
  ): AsyncGenerator<ElectionLeader | undefined, void, undefined> {
    return observeLeaders(this.observeDeps, this.name, options.signal);
  }

  private forget(candidacy: Candidacy): void {
    if (this.current === candidacy) this.current = undefined;
  }

  private label(): string {
    return JSON.stringify(new TextDecoder().decode(this.name));
  }
}

function resignedEarly(label: string): Error {
  return new Error(`election ${label}: resigned before the campaign was won`);
}

function rejectQueued(candidacy: Candidacy, reason: unknown): void {
  const queued = candidacy.queued;
  candidacy.queued = undefined;
  for (const waiter of queued?.waiters ?? []) waiter.reject(reason);
}
