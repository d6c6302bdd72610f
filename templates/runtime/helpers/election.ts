// client.leaderElection: leader election over etcd's v3election service (the election Go's concurrency.Election
// and `etcdctl elect` run). Each campaign holds its own kept-alive lease; leadership ends with that lease.
import { textToBytes } from '../wire/bytes.js';
import type { BytesInput } from '../wire/codec.js';
import { GrpcCode } from '../codes.js';
import { EtcdError, isRetriable } from '../errors.js';
import { startLeaseKeeper, toBigInt, type Int64Output, type LeaseHelperApi, type LeaseKeeper } from './lease-keeper.js';
import { backoffDelay, retryRetriable, type Backoff } from '../core/backoff.js';
import { createScope, sleep } from '../core/signals.js';
import type { CallOptions } from '../types.js';

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
  observe(request: { name?: BytesInput }, options?: CallOptions): AsyncIterable<{ kv?: WireLeaderKv | undefined }>;
}

/** A leader's proclamation: its election key, the value it proclaimed, its lease. */
export interface ElectionLeader {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
  readonly lease: bigint;
  /** When this leader was elected (the key's create revision). */
  readonly createRevision: bigint;
  /** When `value` was proclaimed (the key's mod revision). */
  readonly modRevision: bigint;
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
  /** Changes the value the current leadership proclaims; fails when this object does not lead. */
  proclaim(value: BytesInput): Promise<void>;
  /** Gives up leadership (or a pending candidacy) and revokes its lease; a no-op when not campaigning. */
  resign(): Promise<void>;
  /** The current leader, or undefined when there is none. */
  leader(options?: CallOptions): Promise<ElectionLeader | undefined>;
  /**
   * Every leader change and proclamation, starting with the current leader (if any). A dropped stream is
   * reopened and what was already seen is skipped; it gives up after 5 failed reopens in a row.
   */
  observe(options?: { signal?: AbortSignal | undefined }): AsyncGenerator<ElectionLeader, void, undefined>;
}

export interface LeaderElectionOptions {
  /** TTL of each campaign's lease, in seconds (default 60, as Go's concurrency sessions). */
  ttl?: number | undefined;
}

/** `client.leaderElection(name, options?)`. */
export type LeaderElectionFactory = (name: BytesInput, options?: LeaderElectionOptions) => LeaderElection;

export interface ElectionHelperApi extends LeaseHelperApi {
  readonly election: ElectionApi;
}

const DEFAULT_TTL_SECONDS = 60;
const RETRY_BACKOFF: Backoff = { initialMs: 250, maxMs: 2_000 };
const MAX_REOPENS = 5;

/** Client helper factory behind `client.leaderElection`. */
export function createLeaderElectionFactory(api: ElectionHelperApi): LeaderElectionFactory {
  return (name, options = {}) => new Election(api, typeof name === 'string' ? textToBytes(name) : name, options);
}

interface Candidacy {
  readonly keeper: LeaseKeeper;
  leaderKey: WireLeaderKey | undefined;
}

class Election implements LeaderElection {
  private current: Candidacy | undefined;

  constructor(
    private readonly api: ElectionHelperApi,
    readonly name: Uint8Array,
    private readonly options: LeaderElectionOptions,
  ) {}

  async campaign(value: BytesInput, options: { signal?: AbortSignal | undefined } = {}): Promise<Leadership> {
    if (this.current !== undefined) throw new Error(`election ${this.label()}: already campaigning; resign() first`);
    options.signal?.throwIfAborted();
    const keeper = await startLeaseKeeper(this.api, { ttl: this.options.ttl ?? DEFAULT_TTL_SECONDS });
    const candidacy: Candidacy = { keeper, leaderKey: undefined };
    this.current = candidacy;
    void keeper.lost.then(() => this.forget(candidacy));
    const scope = createScope([options.signal, keeper.signal]);
    try {
      const request = { name: this.name, lease: keeper.id, value };
      const { leader } = await retryRetriable(
        () => this.api.election.campaign(request, { signal: scope.signal }),
        RETRY_BACKOFF,
        scope.signal,
      );
      if (leader === undefined) throw new EtcdError(`election.campaign answered no leader key`, { code: GrpcCode.Unknown });
      candidacy.leaderKey = leader;
      return { key: leader.key, lease: keeper.id, createRevision: toBigInt(leader.rev), signal: keeper.signal };
    } catch (error) {
      this.forget(candidacy);
      await keeper.revoke().catch(() => undefined);
      throw scope.signal.aborted ? scope.signal.reason : error;
    } finally {
      scope.dispose();
    }
  }

  async proclaim(value: BytesInput): Promise<void> {
    const leader = this.current?.leaderKey;
    if (leader === undefined) throw new Error(`election ${this.label()}: proclaim() needs a won campaign`);
    await this.api.election.proclaim({ leader, value });
  }

  async resign(): Promise<void> {
    const candidacy = this.current;
    if (candidacy === undefined) return;
    this.forget(candidacy);
    // Revoking the lease deletes the election key as well; resigning first just hands over without waiting on it.
    if (candidacy.leaderKey !== undefined) {
      await this.api.election.resign({ leader: candidacy.leaderKey }).catch(() => undefined);
    }
    await candidacy.keeper.revoke();
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

  async *observe(options: { signal?: AbortSignal | undefined } = {}): AsyncGenerator<ElectionLeader, void, undefined> {
    const callOptions: CallOptions = options.signal === undefined ? {} : { signal: options.signal };
    let seen: bigint | undefined;
    for (let failures = 0; ; ) {
      try {
        let received = false;
        for await (const { kv } of this.api.election.observe({ name: this.name }, callOptions)) {
          received = true;
          if (kv === undefined) continue;
          const leader = toLeader(kv);
          failures = 0;
          if (seen !== undefined && leader.modRevision <= seen) continue;
          seen = leader.modRevision;
          yield leader;
        }
        if (++failures > MAX_REOPENS) return; // the server keeps ending the stream
        // etcd 3.4 answers an expired token on Observe with an empty 200 stream: re-authenticate before reopening.
        if (!received) await this.dropToken(options.signal);
      } catch (error) {
        if (options.signal?.aborted || !isRetriable(error) || ++failures > MAX_REOPENS) throw error;
      }
      await sleep(backoffDelay(RETRY_BACKOFF, failures), options.signal ?? new AbortController().signal);
    }
  }

  private async dropToken(signal: AbortSignal | undefined): Promise<void> {
    const token = await this.api.transport.token(undefined, signal).catch(() => undefined);
    if (token !== undefined) this.api.transport.invalidateToken(token);
  }

  private forget(candidacy: Candidacy): void {
    if (this.current === candidacy) this.current = undefined;
  }

  private label(): string {
    return JSON.stringify(new TextDecoder().decode(this.name));
  }
}

function toLeader(kv: WireLeaderKv): ElectionLeader {
  return {
    key: kv.key,
    value: kv.value,
    lease: toBigInt(kv.lease),
    createRevision: toBigInt(kv.createRevision),
    modRevision: toBigInt(kv.modRevision),
  };
}

