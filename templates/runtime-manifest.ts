/**
 * The runtime manifest: the runtime modules the generated code imports or re-exports, each typed from the module
 * itself, so an emitter that names a symbol the module does not export fails to compile
 * (`imports.value(RUNTIME.codec, 'decodeString')`; values are checked against `typeof import(…)`, types against
 * the `Named<{ … }>` list, whose entries name the module's types). It drives the emitters: the module specifiers
 * they import, the index's re-exports (`indexExports`) and the helpers attached to the client (`clientHelpers`).
 * Which runtime files ship follows from what the generated code imports (`runtimeClosure`): a module the emitters
 * never name needs no entry, and a `--services kv` client carries no watch, lease, lock, election or snapshot code.
 */
import type { ApiModel } from '../spec/model.js';
// What ships is decided by the import closure (runtime-closure.ts); re-exported for the generator.
export { relativeSpecifiers, runtimeClosure } from './runtime-closure.js';
import type * as Codes from './runtime/codes.js';
import type * as Errors from './runtime/errors.js';
import type * as Layers from './runtime/core/layers.js';
import type * as RouteCheck from './runtime/core/route-check.js';
import type * as TransportModule from './runtime/core/transport.js';
import type * as TxnModule from './runtime/core/txn.js';
import type * as VersionGuard from './runtime/core/version-guard.js';
import type * as Election from './runtime/helpers/election/election.js';
import type * as IterateModule from './runtime/helpers/iterate/iterate.js';
import type * as KvVerbs from './runtime/helpers/kv/verbs.js';
import type * as TxnBuilder from './runtime/helpers/kv/txn-builder.js';
import type * as LeaseKeeper from './runtime/helpers/lease/keeper.js';
import type * as WithLock from './runtime/helpers/lock/with-lock.js';
import type * as MirrorModule from './runtime/helpers/mirror/mirror.js';
import type * as Namespace from './runtime/helpers/namespace/namespace.js';
import type * as Snapshot from './runtime/helpers/snapshot/snapshot.js';
import type * as StmModule from './runtime/helpers/stm/stm.js';
import type * as FakeModule from './runtime/testing/fake.js';
import type * as Types from './runtime/types.js';
import type * as WatchModule from './runtime/watch/index.js';
import type * as WatchTypes from './runtime/watch/types.js';
import type * as Bytes from './runtime/wire/bytes.js';
import type * as Codec from './runtime/wire/codec.js';
import type * as Int64 from './runtime/wire/int64.js';

/** The type names a module exports, listed as `{ Name: Module.Name }` (the compiler checks each reference). */
type Named<T> = keyof T & string;

/** When an entry applies: every service listed is generated (client properties: `kv`, `lease`), and the feature holds. */
export interface Need {
  readonly services?: readonly string[];
  /** `multi-version`: a client generated from the specs of several etcd versions. */
  readonly feature?: 'multi-version';
}

/** Names the index re-exports from a module when `needs` holds (always when it has none). */
export interface IndexExports<Values = unknown, TypeName extends string = string> extends Need {
  readonly values?: readonly (keyof Values & string)[];
  readonly types?: readonly TypeName[];
}

/** A type the client's property has: a runtime type, with generated models as its type arguments (`Iterate<KeyValue>`). */
export interface HelperType<TypeName extends string = string> {
  readonly name: TypeName;
  /** Generated model types (imported from ./models.js). */
  readonly typeArguments?: readonly string[];
}

/**
 * A hand-written helper attached to the client (`client.watchEvents`, `client.withLock`) when every service it
 * uses is generated. The client calls `factory({ transport, <service>: services.<service>, …codecs })` and types
 * the property as `type`.
 */
export interface ClientHelper<Values = unknown, TypeName extends string = string> {
  readonly property: string;
  /** Client properties of the services it needs: `['watch']`, `['lease', 'lock']`. */
  readonly services: readonly string[];
  readonly factory: keyof Values & string;
  readonly type: HelperType<TypeName>;
  /** Generated codec functions the factory gets as well, by name: `['decodeWatchResponse']`. */
  readonly codecs?: readonly string[];
  readonly doc: string;
}

/** What an import needs of a runtime module: its specifier, and (never set, for the compiler) what it exports. */
export interface RuntimeRef<Values = unknown, TypeName extends string = string> {
  /** How generated files (at the output's root) import it: `./runtime/wire/bytes.js`. */
  readonly specifier: string;
  readonly exports?: Values;
  readonly typeNames?: TypeName;
}

/** A runtime module as the emitters see it: where it is, and what the index and the client take from it. */
export interface RuntimeModule<Values = unknown, TypeName extends string = string> extends RuntimeRef<Values, TypeName> {
  /** The file under `runtime/`: `wire/bytes.ts`. */
  readonly file: string;
  readonly index: readonly IndexExports<Values, TypeName>[];
  readonly helpers: readonly ClientHelper<Values, TypeName>[];
}

function runtimeModule<Values, TypeName extends string = never>(
  file: string,
  parts: { readonly index?: readonly IndexExports<Values, TypeName>[]; readonly helpers?: readonly ClientHelper<Values, TypeName>[] } = {},
): RuntimeModule<Values, TypeName> {
  return { file, specifier: `./runtime/${file.replace(/\.ts$/, '.js')}`, index: parts.index ?? [], helpers: parts.helpers ?? [] };
}

type VerbType = Named<{
  Get: KvVerbs.Get;
  GetText: KvVerbs.GetText;
  GetPrefix: KvVerbs.GetPrefix;
  GetPrefixText: KvVerbs.GetPrefixText;
  Put: KvVerbs.Put;
  Delete: KvVerbs.Delete;
  DeletePrefix: KvVerbs.DeletePrefix;
  CallControl: KvVerbs.CallControl;
  PrefixReadOptions: KvVerbs.PrefixReadOptions;
  PutOptions: KvVerbs.PutOptions;
  ReadOptions: KvVerbs.ReadOptions;
}>;

/** An everyday verb on the client (issue 10): `client.get(key)`, from helpers/kv/verbs.ts, for clients with kv. */
const verb = (property: string, factory: keyof typeof KvVerbs & string, type: VerbType, doc: string): ClientHelper<typeof KvVerbs, VerbType> => ({
  property,
  services: ['kv'],
  factory,
  type: { name: type },
  doc,
});

const WATCH_CODECS = ['decodeWatchResponse', 'encodeWatchRequest'];

/** The runtime modules the emitters name, by name, in path order. */
export const RUNTIME = {
  codes: runtimeModule<typeof Codes, Named<{ GrpcCodeName: Codes.GrpcCodeName }>>('codes.ts', {
    index: [{ values: ['GrpcCode', 'grpcCodeName'], types: ['GrpcCodeName'] }],
  }),
  errors: runtimeModule<typeof Errors, Named<{ EtcdLimitName: Errors.EtcdLimitName; EtcdSubject: Errors.EtcdSubject }>>('errors.ts', {
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
          'EtcdLimitError',
          'EtcdNoLeaderError',
          'EtcdNoSpaceError',
          'EtcdNotFoundError',
          'EtcdPermissionDeniedError',
          'EtcdRequestTooLargeError',
        ],
        types: ['EtcdLimitName', 'EtcdSubject'],
      },
    ],
  }),
  layers: runtimeModule<typeof Layers>('core/layers.ts', {
    index: [
      {
        values: ['authLayer', 'autoSyncLayer', 'clusterLayers', 'engineLayer', 'failoverLayer', 'livenessLayer', 'observeLayer', 'streamLayer'],
      },
    ],
  }),
  routeCheck: runtimeModule<typeof RouteCheck>('core/route-check.ts', { index: [{ values: ['EtcdMisroutedError'] }] }),
  // With the exported create<Service>Service factories: a client of only the services a bundle uses.
  transport: runtimeModule<typeof TransportModule, Named<{ TransportLayers: TransportModule.TransportLayers }>>('core/transport.ts', {
    index: [{ values: ['createTransport'], types: ['TransportLayers'] }],
  }),
  txn: runtimeModule<typeof TxnModule>('core/txn.ts'),
  versionGuard: runtimeModule<
    typeof VersionGuard,
    Named<{ VersionedClientOptions: VersionGuard.VersionedClientOptions; VersionTable: VersionGuard.VersionTable }>
  >('core/version-guard.ts', {
    index: [{ values: ['EtcdIgnoredFieldError'], types: ['VersionedClientOptions', 'VersionTable'], feature: 'multi-version' }],
  }),
  election: runtimeModule<
    typeof Election,
    Named<{
      ElectionLeader: Election.ElectionLeader;
      LeaderElection: Election.LeaderElection;
      LeaderElectionOptions: Election.LeaderElectionOptions;
      Leadership: Election.Leadership;
      LeaderElectionFactory: Election.LeaderElectionFactory;
    }>
  >('helpers/election/election.ts', {
    index: [
      { types: ['ElectionLeader', 'LeaderElection', 'LeaderElectionOptions', 'Leadership'], services: ['election', 'lease', 'kv', 'watch'] },
    ],
    helpers: [
      {
        property: 'leaderElection',
        services: ['election', 'lease', 'kv', 'watch'],
        factory: 'createLeaderElectionFactory',
        type: { name: 'LeaderElectionFactory' },
        codecs: WATCH_CODECS,
        doc: 'A v3election election: campaign (resolves when elected), proclaim (queued while the campaign is pending), resign, leader, observe (leaders and "no leader").',
      },
    ],
  }),
  iterate: runtimeModule<typeof IterateModule, Named<{ IterateOptions: IterateModule.IterateOptions; Iterate: IterateModule.Iterate<never> }>>(
    'helpers/iterate/iterate.ts',
    {
      index: [{ values: ['createIterate'], types: ['IterateOptions'], services: ['kv'] }],
      helpers: [
        {
          property: 'iterate',
          services: ['kv'],
          factory: 'createIterate',
          type: { name: 'Iterate', typeArguments: ['KeyValue'] },
          doc: "A range's key-values in key order, read in pages at the first page's revision: consistent while others write, one page in memory.",
        },
      ],
    },
  ),
  kvVerbs: runtimeModule<typeof KvVerbs, VerbType>('helpers/kv/verbs.ts', {
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
  }),
  txnBuilder: runtimeModule<
    typeof TxnBuilder,
    Named<{
      CompareOperator: TxnBuilder.CompareOperator;
      CompareTarget: TxnBuilder.CompareTarget;
      TxnBuilder: TxnBuilder.TxnBuilder<never>;
      TxnCompare: TxnBuilder.TxnCompare;
      TxnOp: TxnBuilder.TxnOp;
      TxnOpResult: TxnBuilder.TxnOpResult<never>;
      TxnResult: TxnBuilder.TxnResult<never>;
      Txn: TxnBuilder.Txn<never>;
    }>
  >('helpers/kv/txn-builder.ts', {
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
        type: { name: 'Txn', typeArguments: ['KeyValue'] },
        doc: "A transaction: `txn().if(key, 'value' | 'version' | 'create' | 'mod' | 'lease', '==' | '!=' | '<' | '>', operand).then(Op.put(…), Op.delete(…)).else(Op.get(…)).commit()`.",
      },
    ],
  }),
  leaseKeeper: runtimeModule<
    typeof LeaseKeeper,
    Named<{ LeaseKeeper: LeaseKeeper.LeaseKeeper; LeaseKeeperOptions: LeaseKeeper.LeaseKeeperOptions; LeaseKeeperFactory: LeaseKeeper.LeaseKeeperFactory }>
  >('helpers/lease/keeper.ts', {
    index: [{ values: ['LeaseLostError'], types: ['LeaseKeeper', 'LeaseKeeperOptions'], services: ['lease'] }],
    helpers: [
      {
        property: 'leaseKeeper',
        services: ['lease'],
        factory: 'createLeaseKeeperFactory',
        type: { name: 'LeaseKeeperFactory' },
        doc: 'Grant a lease (`{ ttl }`) or adopt one (`{ id }`) and keep it alive every TTL/3 until revoke() or close(); `signal` and `lost` tell when it is lost.',
      },
    ],
  }),
  withLock: runtimeModule<typeof WithLock, Named<{ HeldLock: WithLock.HeldLock; WithLockOptions: WithLock.WithLockOptions; WithLock: WithLock.WithLock }>>(
    'helpers/lock/with-lock.ts',
    {
      index: [{ types: ['HeldLock', 'WithLockOptions'], services: ['lease', 'lock'] }],
      helpers: [
        {
          property: 'withLock',
          services: ['lease', 'lock'],
          factory: 'createWithLock',
          type: { name: 'WithLock' },
          doc: "Run `fn(signal)` holding the v3lock lock `name` (the lock `etcdctl lock` takes) on a kept-alive lease; always unlocks and revokes.",
        },
      ],
    },
  ),
  mirror: runtimeModule<
    typeof MirrorModule,
    Named<{ Mirror: MirrorModule.Mirror<never>; MirrorChange: MirrorModule.MirrorChange<never>; MirrorOptions: MirrorModule.MirrorOptions; MirrorFactory: MirrorModule.MirrorFactory<never> }>
  >('helpers/mirror/mirror.ts', {
    index: [{ values: ['createMirror'], types: ['Mirror', 'MirrorChange', 'MirrorOptions'], services: ['kv', 'watch'] }],
    helpers: [
      {
        property: 'mirror',
        services: ['kv', 'watch'],
        factory: 'createMirror',
        type: { name: 'MirrorFactory', typeArguments: ['KeyValue'] },
        codecs: WATCH_CODECS,
        doc: 'A live local copy of a range (list at one revision, then watch; relist after a compaction): `entries`, `revision`, and its changes as an async iterable.',
      },
    ],
  }),
  // Every client has `namespace(prefix)`.
  namespace: runtimeModule<typeof Namespace>('helpers/namespace/namespace.ts', { index: [{ values: ['namespaceTransport'] }] }),
  snapshot: runtimeModule<
    typeof Snapshot,
    Named<{ SnapshotSink: Snapshot.SnapshotSink; SnapshotSummary: Snapshot.SnapshotSummary; SnapshotBlobs: Snapshot.SnapshotBlobs; SaveSnapshot: Snapshot.SaveSnapshot }>
  >('helpers/snapshot/snapshot.ts', {
    index: [
      { values: ['SnapshotChecksumError', 'verifiedSnapshotBlobs', 'writeSnapshot'], types: ['SnapshotSink', 'SnapshotSummary'], services: ['maintenance'] },
    ],
    helpers: [
      {
        property: 'snapshotBlobs',
        services: ['maintenance'],
        factory: 'createSnapshotBlobs',
        type: { name: 'SnapshotBlobs' },
        doc: "The member's database snapshot as raw bytes, blob by blob, with etcd's trailing SHA-256 verified.",
      },
      {
        property: 'saveSnapshot',
        services: ['maintenance'],
        factory: 'createSaveSnapshot',
        type: { name: 'SaveSnapshot' },
        doc: 'Write a verified snapshot to a sink in constant memory; in Node: `client.saveSnapshot(Writable.toWeb(fs.createWriteStream(path, { highWaterMark: 1 << 20 })))`.',
      },
    ],
  }),
  stm: runtimeModule<
    typeof StmModule,
    Named<{ StmIsolation: StmModule.StmIsolation; StmOptions: StmModule.StmOptions; StmTx: StmModule.StmTx; Stm: StmModule.Stm }>
  >('helpers/stm/stm.ts', {
    index: [{ values: ['StmConflictError', 'createStm'], types: ['StmIsolation', 'StmOptions', 'StmTx'], services: ['kv'] }],
    helpers: [
      {
        property: 'stm',
        services: ['kv'],
        factory: 'createStm',
        type: { name: 'Stm' },
        doc: "Run `fn(tx)` as a transaction (Go's concurrency.STM): reads guarded, writes committed in one txn, `fn` run again on conflict; resolves to what it returned.",
      },
    ],
  }),
  // The in-memory etcd of `createFakeEtcd` (emitted in the index by templates/client.ts, for clients with kv).
  fakeEtcd: runtimeModule<
    typeof FakeModule,
    Named<{ FakeEtcd: FakeModule.FakeEtcd; FakeEtcdOptions: FakeModule.FakeEtcdOptions; FakeFailureSpec: FakeModule.FakeFailureSpec }>
  >('testing/fake.ts', { index: [{ types: ['FakeEtcd', 'FakeEtcdOptions', 'FakeFailureSpec'], services: ['kv'] }] }),
  types: runtimeModule<
    typeof Types,
    Named<{
      CallOptions: Types.CallOptions;
      ClientEvent: Types.ClientEvent;
      ClientOptions: Types.ClientOptions;
      HttpEngine: Types.HttpEngine;
      HttpRequest: Types.HttpRequest;
      HttpResponse: Types.HttpResponse;
      Keyspace: Types.Keyspace;
      OperationDescriptor: Types.OperationDescriptor;
      Prefix: Types.Prefix;
      TlsOptions: Types.TlsOptions;
      Transport: Types.Transport;
      WebSocketConstructor: Types.WebSocketConstructor;
      WebSocketLike: Types.WebSocketLike;
    }>
  >('types.ts', {
    index: [
      {
        types: ['CallOptions', 'ClientEvent', 'ClientOptions', 'HttpEngine', 'HttpRequest', 'HttpResponse', 'Keyspace', 'OperationDescriptor', 'Prefix', 'TlsOptions', 'Transport'],
      },
      { types: ['WebSocketConstructor', 'WebSocketLike'], services: ['watch'] },
    ],
  }),
  watch: runtimeModule<
    typeof WatchModule,
    Named<{
      Watch: WatchModule.Watch<never>;
      WatchEvents: WatchModule.WatchEvents<never>;
      WatchEventsOptions: WatchTypes.WatchEventsOptions;
      WatchFilter: WatchTypes.WatchFilter;
      WatchStatus: WatchTypes.WatchStatus;
      WatchStatusListener: WatchTypes.WatchStatusListener;
    }>
  >('watch/index.ts', {
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
        type: { name: 'WatchEvents', typeArguments: ['Event'] },
        codecs: WATCH_CODECS,
        doc: 'Watch a key, range or prefix as an async iterable of events that resumes after any drop without losing or repeating one; break or abort to cancel.',
      },
    ],
  }),
  bytes: runtimeModule<typeof Bytes>('wire/bytes.ts', { index: [{ values: ['bytesToText', 'prefixRangeEnd', 'textToBytes'] }] }),
  codec: runtimeModule<typeof Codec, Named<{ BytesInput: Codec.BytesInput; Wire: Codec.Wire }>>('wire/codec.ts', {
    index: [{ types: ['BytesInput'] }],
  }),
  int64: runtimeModule<typeof Int64, Named<{ Int64Input: Int64.Int64Input }>>('wire/int64.ts', { index: [{ types: ['Int64Input'] }] }),
};

export type RuntimeName = keyof typeof RUNTIME;

/**
 * The names a generated model must not take: every name the index can export from the runtime, and the client's
 * own interface. (spec/ names the models but may not import templates/: the generator passes these in.)
 */
export function reservedTypeNames(): ReadonlySet<string> {
  const names = modules().flatMap((m) => [...m.index.flatMap((g) => [...(g.values ?? []), ...(g.types ?? [])]), ...m.helpers.map((h) => h.type.name)]);
  return new Set([...names, 'EtcdClient']);
}

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

const modules = (): RuntimeModule[] => Object.values(RUNTIME) as unknown as RuntimeModule[];

/** The index's re-exports from the runtime for `model`, by module specifier, in manifest order. */
export function indexExports(model: ApiModel): { specifier: string; values: string[]; types: string[] }[] {
  const out: { specifier: string; values: string[]; types: string[] }[] = [];
  for (const module of modules()) {
    const wanted = module.index.filter((group) => needs(model, group));
    const values = wanted.flatMap((group) => group.values ?? []);
    const types = wanted.flatMap((group) => group.types ?? []);
    if (values.length + types.length > 0) out.push({ specifier: module.specifier, values, types });
  }
  return out;
}

/** A helper of a client, with the module that exports it. */
export interface AttachedHelper extends ClientHelper<Record<string, unknown>> {
  readonly module: RuntimeRef<Record<string, unknown>>;
}

/** The helpers attached to `model`'s client, with the module that exports each. */
export function clientHelpers(model: ApiModel): AttachedHelper[] {
  return modules().flatMap((module) =>
    module.helpers.filter((h) => needs(model, h)).map((h) => ({ ...h, module: module as RuntimeRef<Record<string, unknown>> })),
  );
}
