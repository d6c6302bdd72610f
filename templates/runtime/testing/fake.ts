// createFakeEtcd: an in-memory etcd for tests of code that uses this client. Clients reach it through an engine
// (no socket, Node and browsers alike); it answers the gateway's JSON as the server of `version` does (its
// /version, prefixes and error shapes), on a clock that moves only when the test calls `advance`.
//
//   const fake = createFakeEtcd({ version: '3.5.30' });
//   const client = createClient(fake.clientOptions);
//
// docs/testing.md lists what it does not do.
import { prefixForVersion } from '../core/endpoints.js';
import type { ClientOptions, HttpEngine, WebSocketConstructor } from '../types.js';
import { Auth } from './auth.js';
import { createFakeEngine } from './engine.js';
import { failureOf, FakeFailure, type FakeFailureSpec } from './failure.js';
import { Leases } from './lease.js';
import { createFakeWebSocketClass } from './socket.js';
import { CLUSTER_ID, MEMBER_ID, operationKey, type Server } from './routes.js';
import { Store } from './store.js';

export type { FakeFailureSpec } from './failure.js';

export interface FakeEtcdOptions {
  /** The etcd version the fake answers as: its /version, path prefixes and error bodies (`3.4.x`: grpc-gateway v1). */
  version?: string;
  /**
   * `'manual'` (default): time moves only with `advance`. `'real'`: it also follows the wall clock (checked every
   * 100 ms), for code under test that waits for a lease to run out instead of calling `advance`.
   */
  clock?: 'manual' | 'real';
}

export interface FakeEtcd {
  readonly version: string;
  /** Options for `createClient`: any number of clients may share one fake. Spread them to add your own. */
  readonly clientOptions: ClientOptions & { engine: HttpEngine };
  /** A WebSocket class whose sockets reach this fake: `{ ...fake.clientOptions, WebSocket: fake.WebSocket }` watches over one socket. */
  readonly WebSocket: WebSocketConstructor;
  /** Moves the fake's clock: leases whose TTL ran out expire (their keys are deleted); tokens age. */
  advance(ms: number): void;
  /** The next call of `operation` (`'kv.put'`, `'lease.grant'`, `'watch'`, or a route `/kv/range`) fails with `error`. */
  failNext(operation: string, error: FakeFailureSpec): void;
  /** Holds every answer (and every stream message) until `resume()`. */
  pause(): void;
  resume(): void;
  /** Ends every stream; calls after it fail as if the server were gone. */
  close(): void;
}

/** Progress notifications come every 10 minutes of the fake's clock, as etcd's default interval. */
const PROGRESS_INTERVAL_MS = 600_000;

let fakes = 0;

export function createFakeEtcdAs(defaultVersion: string, options: FakeEtcdOptions = {}): FakeEtcd {
  const version = options.version ?? defaultVersion;
  const [major = 3, minor = 0] = version.split('.').map(Number);
  const store = new Store();
  const leases = new Leases(store);
  const auth = new Auth(() => leases.now);
  const ticks = new Set<() => void>();
  const v34 = major === 3 && minor <= 4;
  const server: Server = {
    store,
    leases,
    auth,
    version,
    clusterVersion: `${major}.${minor}.0`,
    statusWithoutToken: v34,
    header: () => ({ cluster_id: CLUSTER_ID, member_id: MEMBER_ID, revision: String(store.revision), raft_term: '2' }),
    gauges: { watchers: 0, watchStreams: 0 },
    onProgressTick: (tick) => (ticks.add(tick), () => ticks.delete(tick)),
  };
  const failures = new Map<string, FakeFailure[]>();
  const streams = new Set<{ end(): void }>();
  let paused: { promise: Promise<void>; release: () => void } | undefined;
  let closed = false;
  const preferred = prefixForVersion(version);
  const prefixes =
    preferred === '/v3' ? ['/v3', '/v3beta'] : preferred === '/v3beta' ? ['/v3beta', '/v3alpha'] : ['/v3alpha'];
  const gate = (): Promise<void> => paused?.promise ?? Promise.resolve();
  const checkOpen = (): void => {
    if (closed)
      throw Object.assign(new TypeError('fetch failed: the fake etcd is closed'), { cause: { code: 'ECONNREFUSED' } });
  };
  const engine = createFakeEngine({
    server,
    gateway: v34 ? 'v1' : 'v2',
    prefixes,
    streams,
    gate,
    takeFailure: (operation) => failures.get(operation)?.shift(),
    checkOpen,
  });
  let ticker: ReturnType<typeof setInterval> | undefined;
  if (options.clock === 'real') {
    let last = Date.now();
    ticker = setInterval(() => {
      const now = Date.now();
      advance(now - last);
      last = now;
    }, 100);
    (ticker as { unref?: () => void }).unref?.();
  }
  function advance(ms: number): void {
    const before = leases.now;
    leases.advance(ms);
    const crossed = Math.floor(leases.now / PROGRESS_INTERVAL_MS) - Math.floor(before / PROGRESS_INTERVAL_MS);
    if (crossed > 0) for (const tick of [...ticks]) tick();
  }
  function resume(): void {
    paused?.release();
    paused = undefined;
  }
  const endpoint = `http://fake-etcd-${++fakes}.invalid:2379`;
  return {
    version,
    // No liveness probes (the fake never hangs unless paused, and a paused fake must hold calls, not fail them over);
    // watches over POST, which the engine carries; the prefix it serves, so no client spends a GET /version on it.
    clientOptions: { endpoints: endpoint, engine, WebSocket: null, liveness: false, prefix: preferred },
    WebSocket: createFakeWebSocketClass(server, gate, checkOpen, streams),
    advance,
    failNext(operation, error) {
      const key = operationKey(operation);
      failures.set(key, [...(failures.get(key) ?? []), failureOf(error)]);
    },
    pause() {
      if (paused) return;
      let release!: () => void;
      const promise = new Promise<void>((resolve) => (release = resolve));
      paused = { promise, release };
    },
    resume,
    close() {
      closed = true;
      if (ticker !== undefined) clearInterval(ticker);
      resume();
      for (const stream of [...streams]) stream.end();
    },
  };
}
