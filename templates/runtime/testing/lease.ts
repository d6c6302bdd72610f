// Leases on the fake's clock: grant, revoke, keepalive, timeToLive and leases. A lease expires when `advance`
// moves the clock past its deadline; its keys are deleted in one revision, as etcd's lessor revokes.
import { ETCD_ERRORS } from './failure.js';
import type { Store } from './store.js';
import { compact, flag, id, int, b64, type Json } from './wire.js';

/** etcd's minimum TTL with the default election timeout: ceil(1.5 × 1000 ms / 1 s). */
const MIN_TTL = 2;

interface Lease {
  readonly id: bigint;
  readonly granted: number;
  deadline: number;
  readonly keys: Set<string>;
}

export class Leases {
  private readonly leases = new Map<bigint, Lease>();
  private readonly nextId = idGenerator();
  now = 0;

  constructor(private readonly store: Store) {}

  grant(request: Json): Json {
    const ttl = Math.max(int(request, 'TTL'), MIN_TTL);
    let leaseId = id(request, 'ID');
    if (leaseId !== 0n && this.leases.has(leaseId)) throw ETCD_ERRORS.leaseExists();
    while (leaseId === 0n || this.leases.has(leaseId)) leaseId = this.nextId();
    this.leases.set(leaseId, { id: leaseId, granted: ttl, deadline: this.now + ttl * 1000, keys: new Set() });
    return { ID: String(leaseId), TTL: String(ttl) };
  }

  revoke(request: Json): Json {
    const lease = this.leases.get(id(request, 'ID'));
    if (!lease) throw ETCD_ERRORS.leaseNotFound();
    this.drop(lease);
    return {};
  }

  /** One keepalive answer: the renewed TTL, or no TTL for a lease that is gone. */
  keepAlive(request: Json): Json {
    const leaseId = id(request, 'ID');
    const lease = this.leases.get(leaseId);
    if (!lease) return { ID: String(leaseId) };
    lease.deadline = this.now + lease.granted * 1000;
    return { ID: String(leaseId), TTL: String(lease.granted) };
  }

  timeToLive(request: Json): Json {
    const leaseId = id(request, 'ID');
    const lease = this.leases.get(leaseId);
    if (!lease) return { ID: String(leaseId), TTL: '-1' };
    const keys = flag(request, 'keys') ? [...lease.keys].sort().map(b64) : [];
    return compact({
      ID: String(leaseId),
      TTL: String(this.remaining(lease)),
      grantedTTL: String(lease.granted),
      keys,
    });
  }

  list(): Json {
    return compact({ leases: [...this.leases.keys()].map((l) => ({ ID: String(l) })) });
  }

  /** Checks the lease exists and records `key` on it (a key moves off its previous lease). */
  attach(leaseId: bigint, key: string): void {
    const lease = this.leases.get(leaseId);
    if (!lease) throw ETCD_ERRORS.leaseNotFound();
    for (const other of this.leases.values()) other.keys.delete(key);
    lease.keys.add(key);
  }

  exists(leaseId: bigint): boolean {
    return this.leases.has(leaseId);
  }

  /** Moves the clock and revokes every lease whose deadline passed, oldest deadline first. */
  advance(ms: number): void {
    this.now += ms;
    const due = [...this.leases.values()].filter((l) => l.deadline <= this.now).sort((a, b) => a.deadline - b.deadline);
    for (const lease of due) this.drop(lease);
  }

  /** Every lease gets its full TTL again, as a restarted etcd's lessor extends them. */
  renewAll(): void {
    for (const lease of this.leases.values()) lease.deadline = this.now + lease.granted * 1000;
  }

  private remaining(lease: Lease): number {
    return Math.max(0, Math.ceil((lease.deadline - this.now) / 1000));
  }

  private drop(lease: Lease): void {
    this.leases.delete(lease.id);
    const keys = [...lease.keys].filter((k) => this.store.get(k)?.lease === lease.id);
    if (keys.length > 0) this.store.write((batch) => keys.sort().forEach((k) => batch.delete(k, '')));
  }
}

/**
 * A new lease ID as etcd's idutil makes one: a random high part (etcd's: from the member ID) and a counter below,
 * positive in 63 bits. Not crypto-random: IDs only need to differ, and a grant should cost no more than a put.
 */
function idGenerator(): () => bigint {
  const high = BigInt(Math.floor(Math.random() * 0x7fff_ffff) + 1) << 32n;
  let count = Math.floor(Math.random() * 0xffff_ffff);
  return () => high | BigInt((count = (count + 1) % 0x1_0000_0000));
}
