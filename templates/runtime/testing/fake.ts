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
import type { StreamEnd } from './stream.js';

export type { FakeFailureSpec } from './failure.js';

export interface FakeEtcdOptions {
  /** The etcd version the fake answers as: its /version, path prefixes and error bodies (`3.4.x`: grpc-gateway v1). */
  version?: string;
  /**
   * `'manual'` (default): time moves only with `advance`. `'real'`: it also follows the wall clock (checked every
   * 100 ms), for code under test that waits for a lease to run out instead of calling `advance`.
   */
  clock?: 'manual' | 'real';
  /** etcd's `--auth-token-ttl`: seconds a simple token lives unused (default 300). */
  authTokenTtl?: number;
  /** etcd's `--quota-backend-bytes`: writes past it fail with NOSPACE (RESOURCE_EXHAUSTED). Default 2 GiB. */
  quotaBackendBytes?: number;
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
  /**
   * Takes the member down as a killed etcd (`graceful`: a stopped one): every stream breaks (or, graceful, ends as
   * that version's gateway ends it), and calls and sockets are refused until `start()`. Keys, revisions, leases and
   * users stay, as on etcd's disk; `start()` gives every lease its full TTL again, as a restarted etcd does.
   */
  stop(options?: { graceful?: boolean }): void;
  start(): void;
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
  const auth = new Auth(() => leases.now, (options.authTokenTtl ?? 300) * 1000);
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
    quota: { bytes: options.quotaBackendBytes ?? 2 * 1024 ** 3, alarmed: false },
  };
  const failures = new Map<string, FakeFailure[]>();
  const streams = new Set<StreamEnd>();
  let paused: { promise: Promise<void>; release: () => void } | undefined;
  let closed = false;
  let down = false;
  const preferred = prefixForVersion(version);
  const prefixes =
    preferred === '/v3' ? ['/v3', '/v3beta'] : preferred === '/v3beta' ? ['/v3beta', '/v3alpha'] : ['/v3alpha'];
  // Held while paused; a caller's abort (its timeout) ends the wait, as a client gives up on a hung server.
  const gate = (signal?: AbortSignal): Promise<void> => {
    if (paused === undefined) return Promise.resolve();
    if (signal === undefined) return paused.promise;
    const held = paused.promise;
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => reject(signal.reason);
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      void held.then(() => (signal.removeEventListener('abort', onAbort), resolve()));
    });
  };
  const endpoint = `http://fake-etcd-${++fakes}.invalid:2379`;
  const under = `${endpoint}/`;
  const checkOpen = (url?: string): void => {
    const why = closed ? 'is closed' : down ? 'is stopped' : url?.startsWith(under) === false ? '' : undefined;
    if (why === undefined) return;
    const what =
      why === '' ? `nothing listens at ${url} (a fake engine reaches ${endpoint} only)` : `the fake etcd ${why}`;
    throw Object.assign(new TypeError(`fetch failed: ${what}`), { cause: { code: 'ECONNREFUSED' } });
  };
  const engine = createFakeEngine({
    server,
    gateway: v34 ? 'v1' : 'v2',
    emptyDetails: major > 3 || (major === 3 && minor >= 6),
    prefixes,
    streams,
    gate,
    get paused() {
      return paused !== undefined;
    },
    takeFailure: (operation) => failures.get(operation)?.shift(),
    checkOpen,
  });
  let ticker: ReturnType<typeof setInterval> | undefined;
  let socketClass: ReturnType<typeof createFakeWebSocketClass> | undefined;
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
  const endStreams = (how: 'break' | 'end' | 'fail'): void => {
    for (const stream of [...streams]) stream.end(how);
  };
  return {
    version,
    // No liveness probes (the fake never hangs unless paused, and a paused fake must hold calls, not fail them over);
    // watches over POST, which the engine carries; the prefix it serves, so no client spends a GET /version on it.
    clientOptions: { endpoints: endpoint, engine, WebSocket: null, liveness: false, prefix: preferred },
    // A class per fake, so made when first read: most tests watch over POST and never ask for it.
    get WebSocket() {
      socketClass ??= createFakeWebSocketClass(server, gate, checkOpen, streams);
      return socketClass;
    },
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
    stop(stopOptions = {}) {
      down = true;
      resume();
      // A stopped 3.4 ends a stream with an error chunk; 3.5 closes it without one (GATEWAY.md).
      endStreams(stopOptions.graceful ? (v34 ? 'fail' : 'end') : 'break');
    },
    start() {
      down = false;
      leases.renewAll();
      auth.forgetTokens();
    },
    close() {
      closed = true;
      if (ticker !== undefined) clearInterval(ticker);
      resume();
      endStreams('end');
    },
  };
}
