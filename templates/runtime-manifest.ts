/**
 * The runtime manifest: every runtime module the generated code or its users reach by name, what it exports to
 * users, and which services or model features need it. It drives the emitters: the module specifiers they import
 * (`RUNTIME`), the index's re-exports (`indexExports`), and the helpers attached to the client (`clientHelpers`).
 * Which runtime files ship follows from it: the files the generated code imports and every file those import
 * (`runtimeClosure`), so a `--services kv` client carries no watch, lease, lock, election or snapshot code.
 *
 * Every runtime file has an entry (test/emit/runtime-manifest.test.ts checks it); adding a runtime module or a
 * client helper is one entry below, kept in path order, one block each.
 */
import type { ApiModel } from '../spec/model.js';

/** When an entry applies: every service listed is generated (client properties: `kv`, `lease`), and the feature holds. */
export interface Need {
  readonly services?: readonly string[];
  /** `multi-version`: a client generated from the specs of several etcd versions. */
  readonly feature?: 'multi-version';
}

/** Names the index re-exports from a module when `needs` holds (always when it has none). */
export interface IndexExports extends Need {
  readonly values?: readonly string[];
  readonly types?: readonly string[];
}

/**
 * A hand-written helper attached to the client (`client.watchEvents`, `client.withLock`) when every service it
 * uses is generated. The client calls `factory({ transport, <service>: services.<service>, …codecs })` and types
 * the property as `type`.
 */
export interface ClientHelper {
  readonly property: string;
  /** Client properties of the services it needs: `['watch']`, `['lease', 'lock']`. */
  readonly services: readonly string[];
  readonly factory: string;
  /** The property's type as exported by the module; may name generated models (imported from ./models.js). */
  readonly type: string;
  /** Generated model types the `type` expression names. */
  readonly models?: readonly string[];
  /** Generated codec functions the factory gets as well, by name: `['decodeWatchResponse']`. */
  readonly codecs?: readonly string[];
  readonly doc: string;
}

export interface RuntimeModule {
  /** The file under `runtime/`: `wire/bytes.ts`. */
  readonly file: string;
  readonly index?: readonly IndexExports[];
  readonly helpers?: readonly ClientHelper[];
}

/** An everyday verb on the client (issue 10): `client.get(key)`, from helpers/kv-verbs.ts, for clients with kv. */
const verb = (property: string, factory: string, type: string, doc: string): ClientHelper => ({ property, services: ['kv'], factory, type, doc });

export const RUNTIME_MODULES = {
  codes: {
    file: 'codes.ts',
    index: [{ values: ['GrpcCode', 'grpcCodeName'], types: ['GrpcCodeName'] }],
  },
  // Modules without `index` or `helpers` are the runtime's own (shipped when a shipped module imports them).
  errors: {
    file: 'errors.ts',
    index: [
      { values: ['EtcdConnectionError', 'EtcdDecodeError', 'EtcdError', 'EtcdUnsupportedError', 'isRetriable'] },
      { values: ['WatchCompactedError'], services: ['watch'] },
      // The answers callers branch on (issue 10).
      {
        values: [
          'EtcdAlreadyExistsError',
          'EtcdAuthFailedError',
          'EtcdCompactedError',
          'EtcdFutureRevisionError',
          'EtcdLeaseNotFoundError',
          'EtcdNoLeaderError',
          'EtcdNoSpaceError',
          'EtcdNotFoundError',
          'EtcdPermissionDeniedError',
        ],
        types: ['EtcdSubject'],
      },
    ],
  },
  auth: { file: 'core/auth.ts' },
  autoSync: { file: 'core/auto-sync.ts' },
  backoff: { file: 'core/backoff.ts' },
  endpoints: { file: 'core/endpoints.ts' },
  chooseEngine: { file: 'core/engines/choose.ts' },
  fetchEngine: { file: 'core/engines/fetch.ts' },
  nodeEngine: { file: 'core/engines/node.ts' },
  tls: { file: 'core/engines/tls.ts' },
  failover: { file: 'core/failover.ts' },
  keyspace: { file: 'core/keyspace.ts' },
  layers: {
    file: 'core/layers.ts',
    index: [
      {
        values: ['authLayer', 'autoSyncLayer', 'clusterLayers', 'engineLayer', 'failoverLayer', 'livenessLayer', 'observeLayer', 'streamLayer'],
      },
    ],
  },
  liveness: { file: 'core/liveness.ts' },
  observe: { file: 'core/observe.ts' },
  responses: { file: 'core/responses.ts' },
  routeCheck: { file: 'core/route-check.ts', index: [{ values: ['EtcdMisroutedError'] }] },
  signals: { file: 'core/signals.ts' },
  transport: {
    file: 'core/transport.ts',
    // With the exported create<Service>Service factories: a client of only the services a bundle uses.
    index: [{ values: ['createTransport'], types: ['TransportLayers'] }],
  },
  txn: { file: 'core/txn.ts' },
  versionGuard: {
    file: 'core/version-guard.ts',
    index: [{ values: ['EtcdIgnoredFieldError'], types: ['VersionedClientOptions', 'VersionTable'], feature: 'multi-version' }],
  },
  election: {
    file: 'helpers/election.ts',
    index: [
      { types: ['ElectionLeader', 'LeaderElection', 'LeaderElectionOptions', 'Leadership'], services: ['election', 'lease', 'kv', 'watch'] },
    ],
    helpers: [
      {
        property: 'leaderElection',
        services: ['election', 'lease', 'kv', 'watch'],
        factory: 'createLeaderElectionFactory',
        type: 'LeaderElectionFactory',
        codecs: ['decodeWatchResponse', 'encodeWatchRequest'],
        doc: 'A v3election election: campaign (resolves when elected), proclaim (queued while the campaign is pending), resign, leader, observe (leaders and "no leader").',
      },
    ],
  },
  electionObserve: { file: 'helpers/election-observe.ts' },
  iterate: {
    file: 'helpers/iterate.ts',
    index: [{ values: ['createIterate'], types: ['IterateOptions'], services: ['kv'] }],
    helpers: [
      {
        property: 'iterate',
        services: ['kv'],
        factory: 'createIterate',
        type: 'Iterate<KeyValue>',
        models: ['KeyValue'],
        doc: "A range's key-values in key order, read in pages at the first page's revision: consistent while others write, one page in memory.",
      },
    ],
  },
  kvApi: { file: 'helpers/kv-api.ts' },
  kvVerbs: {
    file: 'helpers/kv-verbs.ts',
    index: [{ types: ['CallControl', 'PrefixReadOptions', 'PutOptions', 'ReadOptions'], services: ['kv'] }],
    helpers: [
      verb('get', 'createGet', 'Get', 'The value of `key`, or undefined when it does not exist.'),
      verb('getText', 'createGetText', 'GetText', 'The value of `key` as UTF-8 text, or undefined when it does not exist.'),
      verb('getPrefix', 'createGetPrefix', 'GetPrefix', 'Every key starting with `prefix` (as text) and its value, in key order; for large prefixes use `iterate`.'),
      verb('getPrefixText', 'createGetPrefixText', 'GetPrefixText', 'Every key starting with `prefix` and its value, both as text, in key order.'),
      verb('put', 'createPut', 'Put', 'Write `key` (with an optional lease); resolves to the revision of the write.'),
      verb('delete', 'createDelete', 'Delete', 'Delete `key`; resolves to whether it existed.'),
      verb('deletePrefix', 'createDeletePrefix', 'DeletePrefix', 'Delete every key starting with `prefix`; resolves to how many were deleted.'),
    ],
  },
  leaseKeeper: {
    file: 'helpers/lease-keeper.ts',
    index: [{ values: ['LeaseLostError'], types: ['LeaseKeeper', 'LeaseKeeperOptions'], services: ['lease'] }],
    helpers: [
      {
        property: 'leaseKeeper',
        services: ['lease'],
        factory: 'createLeaseKeeperFactory',
        type: 'LeaseKeeperFactory',
        doc: 'Grant a lease (`{ ttl }`) or adopt one (`{ id }`) and keep it alive every TTL/3 until revoke() or close(); `signal` and `lost` tell when it is lost.',
      },
    ],
  },
  mirror: {
    file: 'helpers/mirror.ts',
    index: [{ values: ['createMirror'], types: ['Mirror', 'MirrorChange', 'MirrorOptions'], services: ['kv', 'watch'] }],
    helpers: [
      {
        property: 'mirror',
        services: ['kv', 'watch'],
        factory: 'createMirror',
        type: 'MirrorFactory<KeyValue>',
        models: ['KeyValue'],
        codecs: ['decodeWatchResponse', 'encodeWatchRequest'],
        doc: 'A live local copy of a range (list at one revision, then watch; relist after a compaction): `entries`, `revision`, and its changes as an async iterable.',
      },
    ],
  },
  // Every client has `namespace(prefix)`.
  namespace: { file: 'helpers/namespace.ts', index: [{ values: ['namespaceTransport'] }] },
  readAhead: { file: 'helpers/read-ahead.ts' },
  sha256: { file: 'helpers/sha256.ts' },
  snapshot: {
    file: 'helpers/snapshot.ts',
    index: [
      { values: ['SnapshotChecksumError', 'verifiedSnapshotBlobs', 'writeSnapshot'], types: ['SnapshotSink', 'SnapshotSummary'], services: ['maintenance'] },
    ],
    helpers: [
      {
        property: 'snapshotBlobs',
        services: ['maintenance'],
        factory: 'createSnapshotBlobs',
        type: 'SnapshotBlobs',
        doc: "The member's database snapshot as raw bytes, blob by blob, with etcd's trailing SHA-256 verified.",
      },
      {
        property: 'saveSnapshot',
        services: ['maintenance'],
        factory: 'createSaveSnapshot',
        type: 'SaveSnapshot',
        doc: 'Write a verified snapshot to a sink in constant memory; in Node: `client.saveSnapshot(Writable.toWeb(fs.createWriteStream(path, { highWaterMark: 1 << 20 })))`.',
      },
    ],
  },
  stm: {
    file: 'helpers/stm.ts',
    index: [{ values: ['StmConflictError', 'createStm'], types: ['StmIsolation', 'StmOptions', 'StmTx'], services: ['kv'] }],
    helpers: [
      {
        property: 'stm',
        services: ['kv'],
        factory: 'createStm',
        type: 'Stm',
        doc: "Run `fn(tx)` as a transaction (Go's concurrency.STM): reads guarded, writes committed in one txn, `fn` run again on conflict; resolves to what it returned.",
      },
    ],
  },
  txnBuilder: {
    file: 'helpers/txn-builder.ts',
    index: [
      {
        values: ['Cmp', 'Op', 'createTxn'],
        types: ['CompareOperator', 'CompareTarget', 'TxnBuilder', 'TxnCompare', 'TxnOp', 'TxnOpResult', 'TxnResult'],
        services: ['kv'],
      },
    ],
    helpers: [
      {
        property: 'txn',
        services: ['kv'],
        factory: 'createTxn',
        type: 'Txn<KeyValue>',
        models: ['KeyValue'],
        doc: "A transaction: `txn().if(key, 'value' | 'version' | 'create' | 'mod' | 'lease', '==' | '!=' | '<' | '>', operand).then(Op.put(…), Op.delete(…)).else(Op.get(…)).commit()`.",
      },
    ],
  },
  withLock: {
    file: 'helpers/with-lock.ts',
    index: [{ types: ['HeldLock', 'WithLockOptions'], services: ['lease', 'lock'] }],
    helpers: [
      {
        property: 'withLock',
        services: ['lease', 'lock'],
        factory: 'createWithLock',
        type: 'WithLock',
        doc: "Run `fn(signal)` holding the v3lock lock `name` (the lock `etcdctl lock` takes) on a kept-alive lease; always unlocks and revokes.",
      },
    ],
  },
  testingAuth: { file: 'testing/auth.ts' },
  testingEngine: { file: 'testing/engine.ts' },
  testingFailure: { file: 'testing/failure.ts' },
  // The in-memory etcd of `createFakeEtcd` (emitted in the index by templates/client.ts, for clients with kv).
  fakeEtcd: {
    file: 'testing/fake.ts',
    index: [{ types: ['FakeEtcd', 'FakeEtcdOptions', 'FakeFailureSpec'], services: ['kv'] }],
  },
  testingKv: { file: 'testing/kv.ts' },
  testingLease: { file: 'testing/lease.ts' },
  testingLocks: { file: 'testing/locks.ts' },
  testingRoutes: { file: 'testing/routes.ts' },
  testingSocket: { file: 'testing/socket.ts' },
  testingStore: { file: 'testing/store.ts' },
  testingStream: { file: 'testing/stream.ts' },
  testingWatch: { file: 'testing/watch.ts' },
  testingWire: { file: 'testing/wire.ts' },
  types: {
    file: 'types.ts',
    index: [
      {
        types: ['CallOptions', 'ClientEvent', 'ClientOptions', 'HttpEngine', 'HttpRequest', 'HttpResponse', 'Keyspace', 'OperationDescriptor', 'Prefix', 'TlsOptions', 'Transport'],
      },
      { types: ['WebSocketConstructor', 'WebSocketLike'], services: ['watch'] },
    ],
  },
  watchChannel: { file: 'watch/channel.ts' },
  watchHub: { file: 'watch/hub.ts' },
  watch: {
    file: 'watch/index.ts',
    index: [
      {
        values: ['mapWatch'],
        types: ['Watch', 'WatchEvents', 'WatchEventsOptions', 'WatchFilter', 'WatchStatus', 'WatchStatusListener'],
        services: ['watch'],
      },
    ],
    helpers: [
      {
        property: 'watchEvents',
        services: ['watch'],
        factory: 'createWatchEvents',
        type: 'WatchEvents<Event>',
        models: ['Event'],
        codecs: ['decodeWatchResponse', 'encodeWatchRequest'],
        doc: 'Watch a key, range or prefix as an async iterable of events that resumes after any drop without losing or repeating one; break or abort to cancel.',
      },
    ],
  },
  watchProgress: { file: 'watch/progress.ts' },
  watchRequest: { file: 'watch/request.ts' },
  watchRetry: { file: 'watch/retry.ts' },
  watchRun: { file: 'watch/run.ts' },
  watchSocket: { file: 'watch/socket.ts' },
  websocket: { file: 'watch/websocket.ts' },
  bytes: {
    file: 'wire/bytes.ts',
    index: [{ values: ['bytesToText', 'prefixRangeEnd', 'textToBytes'] }],
  },
  codec: {
    file: 'wire/codec.ts',
    index: [{ types: ['BytesInput'] }],
  },
  int64: {
    file: 'wire/int64.ts',
    index: [{ types: ['Int64Input'] }],
  },
  ndjson: { file: 'wire/ndjson.ts' },
} as const satisfies Record<string, RuntimeModule>;

export type RuntimeName = keyof typeof RUNTIME_MODULES;

/** The specifier generated files (at the output's root) import a runtime module by: `./runtime/wire/bytes.js`. */
export function runtimeSpecifier(name: RuntimeName): string {
  return `./runtime/${RUNTIME_MODULES[name].file.replace(/\.ts$/, '.js')}`;
}

/** Every module's specifier by name, for the emitters: `RUNTIME.bytes`. */
export const RUNTIME = Object.fromEntries(
  Object.keys(RUNTIME_MODULES).map((name) => [name, runtimeSpecifier(name as RuntimeName)]),
) as Readonly<Record<RuntimeName, string>>;

/** Over several etcd versions: the client carries a version table and the guard that checks calls against it. */
export function isMultiVersion(model: ApiModel): boolean {
  return model.versions.length > 1 && model.operationsByVersion !== undefined;
}

/** Whether `need` holds for `model`. */
export function needs(model: ApiModel, need: Need): boolean {
  const present = new Set(model.services.map((s) => s.property));
  if (need.services && !need.services.every((s) => present.has(s))) return false;
  return need.feature !== 'multi-version' || isMultiVersion(model);
}

const modules = (): [RuntimeName, RuntimeModule][] => Object.entries(RUNTIME_MODULES) as [RuntimeName, RuntimeModule][];

/** The index's re-exports from the runtime for `model`, by module specifier, in manifest order. */
export function indexExports(model: ApiModel): { specifier: string; values: string[]; types: string[] }[] {
  const out: { specifier: string; values: string[]; types: string[] }[] = [];
  for (const [name, module] of modules()) {
    const wanted = (module.index ?? []).filter((group) => needs(model, group));
    const values = wanted.flatMap((group) => group.values ?? []);
    const types = wanted.flatMap((group) => group.types ?? []);
    if (values.length + types.length > 0) out.push({ specifier: runtimeSpecifier(name), values, types });
  }
  return out;
}

/** The helpers attached to `model`'s client, with the specifier of the module that exports each. */
export function clientHelpers(model: ApiModel): (ClientHelper & { readonly specifier: string })[] {
  return modules().flatMap(([name, module]) =>
    (module.helpers ?? []).filter((h) => needs(model, h)).map((h) => ({ ...h, specifier: runtimeSpecifier(name) })),
  );
}

/** Relative module specifiers in a TypeScript source: `from './x.js'`, `import './x.js'`, `import('./x.js')`. */
export function relativeSpecifiers(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)'(\.\.?\/[^']+)'/g)) found.push(match[1]!);
  return found;
}

/**
 * The runtime files that ship: those the generated files import (specifiers `./runtime/…` from the output's
 * root) and, transitively, every runtime file they import. `runtime` maps a path under `runtime/` (`wire/bytes.ts`)
 * to its source; the result holds such paths, sorted.
 */
export function runtimeClosure(generated: readonly { readonly text: string }[], runtime: ReadonlyMap<string, string>): string[] {
  const shipped = new Set<string>();
  const visit = (path: string): void => {
    if (shipped.has(path) || !runtime.has(path)) return;
    shipped.add(path);
    const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : '';
    for (const specifier of relativeSpecifiers(runtime.get(path)!)) visit(resolveRuntimePath(dir, specifier));
  };
  for (const file of generated) {
    for (const specifier of relativeSpecifiers(file.text)) {
      if (specifier.startsWith('./runtime/')) visit(specifier.slice('./runtime/'.length).replace(/\.js$/, '.ts'));
    }
  }
  return [...shipped].sort();
}

/** `dir` + a relative specifier → a path under runtime/ with `.ts`: ('watch/', '../core/signals.js') → 'core/signals.ts'. */
function resolveRuntimePath(dir: string, specifier: string): string {
  const parts = dir.split('/').filter(Boolean);
  for (const part of specifier.replace(/\.js$/, '.ts').split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.') parts.push(part);
  }
  return parts.join('/');
}
