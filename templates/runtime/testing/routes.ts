// The fake's routes: each gateway path (after the prefix) and what answers it, as the server of the fake's version
// would: which calls need a token, which stream, which wait (locks, campaigns).
import { GrpcCode } from '../codes.js';
import type { Auth } from './auth.js';
import { ETCD_ERRORS, FakeFailure, MAX_REQUEST_BYTES } from './failure.js';
import * as kv from './kv.js';
import type { Leases } from './lease.js';
import * as locks from './locks.js';
import { dbSize, streamSnapshot } from './snapshot.js';
import type { Store } from './store.js';
import type { FakeStream } from './stream.js';
import { createWatchSession, type WatchContext } from './watch.js';
import { jsonObjects, parse, type Json } from './wire.js';

/** What a route handler gets: the server's parts, the caller's user (undefined: auth off) and its abort signal. */
export interface Server {
  readonly store: Store;
  readonly leases: Leases;
  readonly auth: Auth;
  readonly version: string;
  readonly clusterVersion: string;
  /** Whether maintenance/status answers without a token (3.4 does; 3.5 does not). */
  readonly statusWithoutToken: boolean;
  header(): Json;
  /** etcd's watch gauges, for /metrics: watchers and watch streams open now. */
  readonly gauges: { watchers: number; watchStreams: number };
  onProgressTick(tick: () => void): () => void;
  /** `--quota-backend-bytes`, and whether the NOSPACE alarm went off (it stays: the fake has no disarm). */
  readonly quota: { readonly bytes: number; alarmed: boolean };
}

export interface Call {
  readonly server: Server;
  readonly body: string;
  readonly token: string | undefined;
  readonly signal: AbortSignal;
}

type Unary = (call: Call) => Json | Promise<Json>;
type Streamed = (call: Call, stream: FakeStream) => void;

/** A KV context for the caller: its permissions checked by the auth store. */
export function context(call: Call, user: string | undefined): WatchContext {
  return new CallContext(call, user);
}

/** A class, not an object of closures: one is made for every call. */
class CallContext implements WatchContext {
  constructor(
    private readonly call: Call,
    private readonly user: string | undefined,
  ) {}

  get store(): Store {
    return this.call.server.store;
  }

  get gauges(): WatchContext['gauges'] {
    return this.call.server.gauges;
  }

  header(): Json {
    return this.call.server.header();
  }

  attach(lease: bigint, key: string): void {
    this.call.server.leases.attach(lease, key);
  }

  allow(mode: 'read' | 'write', key: string, end: string): void {
    this.call.server.auth.allow(this.user, mode, key, end);
  }

  refusal(key: string, end: string): string | undefined {
    const { auth } = this.call.server;
    try {
      auth.allow(auth.user(this.call.token), 'read', key, end);
      return undefined;
    } catch (e) {
      return cancelReason(e as Error);
    }
  }

  onProgressTick(tick: () => void): () => void {
    return this.call.server.onProgressTick(tick);
  }
}

/** A watch's cancel reason as etcd writes a gRPC error into it: `rpc error: code = PermissionDenied desc = …`. */
function cancelReason(error: Error): string {
  if (!(error instanceof FakeFailure)) return error.message;
  const goName = Object.keys(GrpcCode).find((name) => GrpcCode[name as keyof typeof GrpcCode] === error.code);
  return `rpc error: code = ${goName ?? 'Unknown'} desc = ${error.message}`;
}

/** A handler that needs a user when auth is on (KV, locks, elections). */
const authed =
  (handle: (ctx: WatchContext, request: Json, call: Call) => Json | Promise<Json>, user = userOf): Unary =>
  (call) =>
    handle(context(call, user(call)), parse(call.body), call);

const userOf = (call: Call): string | undefined => call.server.auth.user(call.token);

/** v3lock and the snapshot route answer a bad token with UNKNOWN (HTTP 500), not 401 (measured, GATEWAY.md). */
function userOr500(call: Call): string | undefined {
  try {
    return userOf(call);
  } catch (e) {
    if (e instanceof FakeFailure && e.code === GrpcCode.Unauthenticated)
      throw new FakeFailure(GrpcCode.Unknown, e.message);
    throw e;
  }
}

/** etcd's quota check before a write: past `--quota-backend-bytes` the NOSPACE alarm goes off and writes fail. */
const spending =
  (handle: Unary): Unary =>
  (call) => {
    const { quota, store } = call.server;
    if (quota.alarmed || store.bytes + call.body.length > quota.bytes) {
      quota.alarmed = true;
      throw ETCD_ERRORS.noSpace();
    }
    return handle(call);
  };

/** gRPC's message limit of an etcd server (`--max-request-bytes` 1.5 MiB + 512 KiB) and raft's request limit. */
const MAX_MESSAGE_BYTES = 2_097_152; // 2 MiB
const RAFT_ROUTES = ['/kv/put', '/kv/txn', '/kv/deleterange', '/kv/compaction', '/lease/grant'];

/**
 * etcd's size limits on a request: the message as gRPC receives it, then a raft request. The fake sizes it as the
 * bytes its JSON carries (3/4 of it: keys and values are base64), close enough where keys and values dominate.
 */
export function checkRequestSize(route: string, body: string): void {
  const size = Math.floor((body.length * 3) / 4);
  if (size > MAX_MESSAGE_BYTES) throw ETCD_ERRORS.messageTooLarge(size, MAX_MESSAGE_BYTES);
  if (size > MAX_REQUEST_BYTES && RAFT_ROUTES.includes(route)) throw ETCD_ERRORS.requestTooLarge();
}

const open =
  (handle: (server: Server, request: Json) => Json): Unary =>
  (call) => ({ header: call.server.header(), ...handle(call.server, parse(call.body)) });

// The tables are built on first use: nothing runs at import, so a bundle that never creates a fake drops them.
const leaseRoutes = () => ({
  revoke: open((s, r) => s.leases.revoke(r)),
  timeToLive: open((s, r) => s.leases.timeToLive(r)),
  leases: open((s) => s.leases.list()),
});

let unary: Readonly<Record<string, Unary>> | undefined;

/** The unary handler of a route, if the fake serves it. */
export function unaryRoute(route: string): Unary | undefined {
  unary ??= unaryRoutes(leaseRoutes());
  return unary[route] ?? authRoute(route);
}

const unaryRoutes = (leases: ReturnType<typeof leaseRoutes>): Readonly<Record<string, Unary>> => ({
  '/kv/range': authed((ctx, r) => kv.range(ctx, r)),
  '/kv/put': spending(authed((ctx, r) => kv.put(ctx, r))),
  '/kv/deleterange': authed((ctx, r) => kv.deleteRange(ctx, r)),
  '/kv/txn': spending(authed((ctx, r) => kv.txn(ctx, r))),
  '/kv/compaction': authed(
    (ctx, r, call) => (call.server.auth.requireRoot(call.server.auth.user(call.token)), kv.compaction(ctx, r)),
  ),
  '/lease/grant': spending(open((s, r) => s.leases.grant(r))),
  '/lease/revoke': leases.revoke,
  '/kv/lease/revoke': leases.revoke,
  '/lease/timetolive': leases.timeToLive,
  '/kv/lease/timetolive': leases.timeToLive,
  '/lease/leases': leases.leases,
  '/kv/lease/leases': leases.leases,
  '/lock/lock': authed((ctx, r, call) => locks.lock(ctx, r, call.signal), userOr500),
  '/lock/unlock': authed((ctx, r) => locks.unlock(ctx, r), userOr500),
  '/election/campaign': authed((ctx, r, call) => locks.campaign(ctx, r, call.signal)),
  '/election/proclaim': authed((ctx, r) => locks.proclaim(ctx, r)),
  '/election/leader': authed((ctx, r) => locks.leader(ctx, r)),
  '/election/resign': authed((ctx, r) => locks.resign(ctx, r)),
  '/maintenance/status': (call) => {
    if (!call.server.statusWithoutToken) call.server.auth.user(call.token);
    const { server } = call;
    const size = String(dbSize(server.store));
    return {
      header: server.header(),
      version: server.version,
      dbSize: size,
      leader: MEMBER_ID,
      raftIndex: String(server.store.revision),
      raftTerm: '2',
      raftAppliedIndex: String(server.store.revision),
      dbSizeInUse: size,
    };
  },
  '/cluster/member/remove': () => {
    throw new FakeFailure(GrpcCode.NotFound, 'etcdserver: member not found');
  },
  '/cluster/member/list': (call) => ({
    header: call.server.header(),
    members: [{ ID: MEMBER_ID, name: 'fake', peerURLs: ['http://fake-etcd.invalid:2380'], clientURLs: [] }],
  }),
});

export const MEMBER_ID = '10276657743932975437';
export const CLUSTER_ID = '14841639068965178418';

/** The auth admin routes: authenticate needs no token; the rest need root once auth is on. */
function authRoute(route: string): Unary | undefined {
  if (!route.startsWith('/auth/')) return undefined;
  return (call) => {
    const { auth } = call.server;
    if (route !== '/auth/authenticate' && route !== '/auth/status') auth.requireRoot(auth.user(call.token));
    return { header: call.server.header(), ...auth.handle(route, parse(call.body)) };
  };
}

export const STREAMS: Readonly<Record<string, Streamed>> = {
  '/watch': (call, stream) => {
    const session = createWatchSession(context(call, undefined), stream);
    for (const request of jsonObjects(call.body)) session(request);
  },
  '/lease/keepalive': (call, stream) => {
    for (const request of jsonObjects(call.body))
      stream.push({ header: call.server.header(), ...call.server.leases.keepAlive(request) });
    stream.end();
  },
  '/maintenance/snapshot': (call, stream) => {
    call.server.auth.requireRoot(userOr500(call));
    void streamSnapshot(call.server.store, () => call.server.header(), stream);
  },
  '/election/observe': (call, stream) => {
    const user = call.server.auth.user(call.token);
    locks.observe(context(call, user), parse(call.body), stream);
  },
};

/** `failNext('kv.put')`, `failNext('/kv/put')`, `failNext('KV.Put')`: one key for a route and an operation name. */
export function operationKey(name: string): string {
  let key = operationKeys.get(name);
  if (key === undefined) {
    key = name
      .toLowerCase()
      .replace(/[^a-z]/g, '')
      .replace(/^kvlease/, 'lease');
    if (key === 'watch') key = 'watchwatch';
    if (operationKeys.size < 1000) operationKeys.set(name, key); // routes and operation names: a few dozen
  }
  return key;
}

/** Every call asks for its route's key: remembered, not worked out with three regular expressions each time. */
const operationKeys = new Map<string, string>();
