/**
 * emitClient: the client factory (`createClient`) and its type; emitIndex: the module users import.
 */
import { StructureKind, type StatementStructures, type WriterFunction } from 'ts-morph';
import type { ApiModel } from '../spec/model.js';
import { jsDoc } from './docs.js';
import { Imports, RUNTIME } from './imports.js';
import type { EmitOptions } from './options.js';
import { serviceFactoryName, serviceTypeName } from './services.js';
import { clientTransport } from './versions-table.js';

/**
 * A hand-written runtime helper attached to the client (`client.watchEvents`, `client.withLock`) when every
 * service it uses is generated (`--services` may leave some out). The generated client calls
 * `factory({ transport, <service>: <service object>, … })` and types the property as `type`.
 */
export interface ClientHelper {
  readonly property: string;
  /** Client properties of the services it needs: `['watch']`, `['lease', 'lock']`. */
  readonly services: readonly string[];
  /** The runtime module that exports the factory and the type: `./runtime/watch/index.js`. */
  readonly module: string;
  readonly factory: string;
  /** The property's type as exported by `module`; may name generated models (imported from ./models.js). */
  readonly type: string;
  /** Generated model types the `type` expression names. */
  readonly models?: readonly string[];
  /** Generated codec functions the factory gets as well, by name: `['decodeWatchResponse']`. */
  readonly codecs?: readonly string[];
  readonly doc: string;
}

/** The helpers, in the order they appear on the client. */
export const CLIENT_HELPERS: readonly ClientHelper[] = [
  {
    property: 'watchEvents',
    services: ['watch'],
    module: './runtime/watch/index.js',
    factory: 'createWatchEvents',
    type: 'WatchEvents<Event>',
    models: ['Event'],
    codecs: ['decodeWatchResponse'],
    doc: 'Watch a key, range or prefix as an async iterable of events that resumes after any drop without losing or repeating one; break or abort to cancel.',
  },
  {
    property: 'leaseKeeper',
    services: ['lease'],
    module: './runtime/helpers/lease-keeper.js',
    factory: 'createLeaseKeeperFactory',
    type: 'LeaseKeeperFactory',
    doc: 'Grant a lease (`{ ttl }`) or adopt one (`{ id }`) and keep it alive every TTL/3 until revoke() or close(); `signal` and `lost` tell when it is lost.',
  },
  {
    property: 'withLock',
    services: ['lease', 'lock'],
    module: './runtime/helpers/with-lock.js',
    factory: 'createWithLock',
    type: 'WithLock',
    doc: "Run `fn(signal)` holding the v3lock lock `name` (the lock `etcdctl lock` takes) on a kept-alive lease; always unlocks and revokes.",
  },
  {
    property: 'leaderElection',
    services: ['election', 'lease'],
    module: './runtime/helpers/election.js',
    factory: 'createLeaderElectionFactory',
    type: 'LeaderElectionFactory',
    doc: 'A v3election election: campaign (resolves when elected), proclaim, resign, leader, observe.',
  },
  {
    property: 'snapshotBlobs',
    services: ['maintenance'],
    module: './runtime/helpers/snapshot.js',
    factory: 'createSnapshotBlobs',
    type: 'SnapshotBlobs',
    doc: "The member's database snapshot as raw bytes, blob by blob, with etcd's trailing SHA-256 verified.",
  },
  {
    property: 'saveSnapshot',
    services: ['maintenance'],
    module: './runtime/helpers/snapshot.js',
    factory: 'createSaveSnapshot',
    type: 'SaveSnapshot',
    doc: 'Write a verified snapshot to a sink in constant memory; in Node: `client.saveSnapshot(Writable.toWeb(fs.createWriteStream(path, { highWaterMark: 1 << 20 })))`.',
  },
];

function helpersFor(model: ApiModel): ClientHelper[] {
  const present = new Set(model.services.map((s) => s.property));
  return CLIENT_HELPERS.filter((h) => h.services.every((s) => present.has(s)));
}

export function emitClient(model: ApiModel, options: EmitOptions, imports: Imports): StatementStructures[] {
  const example = model.services.find((s) => s.property === 'kv') ?? model.services[0];
  const helpers = helpersFor(model);
  for (const h of helpers) {
    imports.value(h.module, h.factory);
    for (const m of h.models ?? []) imports.type('./models.js', m);
    for (const c of h.codecs ?? []) imports.value('./codecs.js', c);
    const typeName = /^[A-Za-z_$][\w$]*/.exec(h.type)?.[0];
    if (typeName) imports.type(h.module, typeName);
  }
  const transportType = imports.type(RUNTIME.transport, 'Transport');
  const createTransport = imports.value(RUNTIME.transport, 'createTransport');
  const client = clientTransport(model, imports, () => imports.type(RUNTIME.transport, 'ClientOptions'), `${createTransport}(options)`);
  for (const s of model.services) {
    imports.type('./services.js', serviceTypeName(s));
    imports.value('./services.js', serviceFactoryName(s));
  }
  const body: WriterFunction = (w) => {
    w.writeLine(`const transport = ${client.transport};`);
    if (helpers.length) {
      w.write('const services = ').inlineBlock(() => {
        for (const s of model.services) w.writeLine(`${s.property}: ${serviceFactoryName(s)}(transport),`);
      });
      w.write(';').newLine();
    }
    w.write('return ').inlineBlock(() => {
      if (helpers.length) w.writeLine('...services,');
      for (const s of helpers.length ? [] : model.services) w.writeLine(`${s.property}: ${serviceFactoryName(s)}(transport),`);
      w.writeLine('transport,');
      for (const h of helpers) w.writeLine(`${h.property}: ${h.factory}({ transport, ${[...h.services.map((p) => `${p}: services.${p}`), ...(h.codecs ?? [])].join(', ')} }),`);
      w.writeLine('close: () => transport.close(),');
    });
    w.write(';');
  };
  return [
    {
      kind: StructureKind.Interface,
      name: 'EtcdClient',
      isExported: true,
      docs: jsDoc(`A client for etcd's HTTP/JSON gateway${model.versions.length ? ` (etcd ${model.versions.join(', ')})` : ''}.`),
      properties: [
        ...model.services.map((s) => ({ name: s.property, type: serviceTypeName(s), isReadonly: true, docs: jsDoc(`The ${s.name} service.`) })),
        { name: 'transport', type: transportType, isReadonly: true, docs: jsDoc('The transport under every call: endpoints, prefix, auth, failover.') },
        ...helpers.map((h) => ({ name: h.property, type: h.type, isReadonly: true, docs: jsDoc(h.doc) })),
      ],
      methods: [{ name: 'close', returnType: 'void', docs: jsDoc('Stop background work (token refresh, open streams).') }],
    },
    {
      kind: StructureKind.Function,
      name: options.clientName,
      isExported: true,
      parameters: [{ name: 'options', type: client.optionsType }],
      returnType: 'EtcdClient',
      docs: jsDoc(
        'Create a client. `endpoints` may list every member of the cluster; the path prefix is chosen from `GET /version` unless given.',
        example &&
          `It builds every service, so a bundle keeps all of them; for only some, e.g. \`${serviceFactoryName(example)}(createTransport(options))\`.`,
      ),
      statements: [body],
    },
  ];
}

export function emitIndex(options: EmitOptions): StatementStructures[] {
  const reexport = (module: string, names: string[], isTypeOnly = false): StatementStructures => ({
    kind: StructureKind.ExportDeclaration,
    moduleSpecifier: module,
    isTypeOnly,
    namedExports: names,
  });
  return [
    reexport('./client.js', [options.clientName]),
    reexport('./client.js', ['EtcdClient'], true),
    { kind: StructureKind.ExportDeclaration, moduleSpecifier: './models.js' },
    { kind: StructureKind.ExportDeclaration, moduleSpecifier: './services.js' },
    reexport(RUNTIME.errors, ['EtcdConnectionError', 'EtcdDecodeError', 'EtcdError', 'EtcdUnsupportedError', 'WatchCompactedError']),
    reexport('./runtime/codes.js', ['GrpcCodeName'], true),
    reexport(RUNTIME.bytes, ['bytesToText', 'prefixRangeEnd', 'textToBytes']),
    reexport(RUNTIME.codec, ['BytesInput'], true),
    reexport(RUNTIME.int64, ['Int64Input'], true),
    // With the exported create<Service>Service factories: a client of only the services a bundle uses.
    reexport(RUNTIME.transport, ['createTransport']),
    reexport(RUNTIME.transport, ['CallOptions', 'ClientOptions', 'OperationDescriptor', 'Prefix', 'Transport'], true),
    reexport('./runtime/watch/index.js', ['WatchEvents', 'WatchEventsOptions', 'WatchFilter'], true),
    reexport('./runtime/types.js', ['WebSocketConstructor', 'WebSocketLike'], true),
    reexport('./runtime/helpers/lease-keeper.js', ['LeaseLostError']),
    reexport('./runtime/helpers/lease-keeper.js', ['LeaseKeeper', 'LeaseKeeperOptions'], true),
    reexport('./runtime/helpers/with-lock.js', ['HeldLock', 'WithLockOptions'], true),
    reexport('./runtime/helpers/election.js', ['ElectionLeader', 'LeaderElection', 'LeaderElectionOptions', 'Leadership'], true),
    reexport('./runtime/helpers/snapshot.js', ['SnapshotChecksumError', 'verifiedSnapshotBlobs', 'writeSnapshot']),
    reexport('./runtime/helpers/snapshot.js', ['SnapshotSink', 'SnapshotSummary'], true),
  ];
}
