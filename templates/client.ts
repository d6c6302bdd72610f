/**
 * emitClient: the client factory (`createClient`) and its type; emitIndex: the module users import.
 */
import {
  Scope,
  StructureKind,
  type GetAccessorDeclarationStructure,
  type OptionalKind,
  type StatementStructures,
} from 'ts-morph';
import type { ApiModel } from '../spec/model.js';
import { jsDoc } from './docs.js';
import type { Imports } from './imports.js';
import { compareVersions } from '../spec/versions.js';
import { clientHelpers, indexExports, needs, RUNTIME, type HelperType } from './runtime-manifest.js';
import type { EmitOptions } from './options.js';
import { serviceFactoryName, serviceTypeName } from './services.js';
import { clientTransport } from './versions-table.js';

export function emitClient(model: ApiModel, options: EmitOptions, imports: Imports): StatementStructures[] {
  const example = model.services.find((s) => s.property === 'kv') ?? model.services[0];
  const helpers = clientHelpers(model);
  for (const h of helpers) {
    imports.value(h.module, h.factory);
    for (const m of h.type.typeArguments ?? []) imports.type('./models.js', m);
    for (const c of h.codecs ?? []) imports.value('./codecs.js', c);
    imports.type(h.module, h.type.name);
  }
  const transportType = imports.type(RUNTIME.types, 'Transport');
  const createTransport = imports.value(RUNTIME.transport, 'createTransport');
  const layers = imports.value(RUNTIME.layers, 'clusterLayers');
  const client = clientTransport(model, imports, () => imports.type(RUNTIME.types, 'ClientOptions'), `${createTransport}(options, ${layers})`);
  for (const s of model.services) {
    imports.type('./services.js', serviceTypeName(s));
    imports.value('./services.js', serviceFactoryName(s));
  }
  const namespaced = imports.value(RUNTIME.namespace, 'namespaceTransport');
  const bytesInput = imports.type(RUNTIME.codec, 'BytesInput');
  // Each service and helper is built on first use: a client made per test (the fake's users) or per request
  // touches a few of them, and building all of them was most of createClient's cost.
  const built = (name: string, make: string): string[] => [`return (this.built.${name} ??= ${make});`];
  const getters: OptionalKind<GetAccessorDeclarationStructure>[] = [
    ...model.services.map((s) => ({
      name: s.property,
      returnType: serviceTypeName(s),
      statements: built(s.property, `${serviceFactoryName(s)}(this.transport)`),
    })),
    ...helpers.map((h) => ({
      name: h.property,
      returnType: helperType(h.type),
      statements: built(
        h.property,
        `${h.factory}({ transport: this.transport, ${[...h.services.map((p) => `${p}: this.${p}`), ...(h.codecs ?? [])].join(', ')} })`,
      ),
    })),
  ];
  return [
    {
      kind: StructureKind.Interface,
      name: 'EtcdClient',
      isExported: true,
      docs: jsDoc(`A client for etcd's HTTP/JSON gateway${model.versions.length ? ` (etcd ${model.versions.join(', ')})` : ''}.`),
      properties: [
        ...model.services.map((s) => ({ name: s.property, type: serviceTypeName(s), isReadonly: true, docs: jsDoc(`The ${s.name} service.`) })),
        { name: 'transport', type: transportType, isReadonly: true, docs: jsDoc('The transport under every call: endpoints, prefix, auth, failover.') },
        ...helpers.map((h) => ({ name: h.property, type: helperType(h.type), isReadonly: true, docs: jsDoc(h.doc) })),
      ],
      methods: [
        {
          name: 'namespace',
          parameters: [{ name: 'prefix', type: bytesInput }],
          returnType: 'EtcdClient',
          docs: jsDoc(
            "The same client with every key relative to `prefix` (kv, txn, watches, locks, elections, helpers); `'\\0'` as a range end means the whole namespace. Namespaces nest; closing one closes the client.",
          ),
        },
        { name: 'close', returnType: 'void', docs: jsDoc('Stop background work (token refresh, open streams).') },
      ],
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
      statements: [`return new ${CLIENT_ON}(${client.transport});`],
    },
    {
      kind: StructureKind.Class,
      name: CLIENT_ON,
      implements: ['EtcdClient'],
      docs: jsDoc(
        "The client over one transport: createClient's, or a namespace's (so both have the same shape). Services and helpers are built when first read.",
      ),
      properties: [
        { name: 'transport', isReadonly: true, type: transportType, docs: jsDoc('The transport under every call: endpoints, prefix, auth, failover.') },
        { name: 'built', scope: Scope.Private, isReadonly: true, type: '{ -readonly [K in keyof EtcdClient]?: EtcdClient[K] }', initializer: '{}' },
        { name: 'namespace', isReadonly: true, initializer: `(prefix: ${bytesInput}): EtcdClient => new ${CLIENT_ON}(${namespaced}(this.transport, prefix))` },
        { name: 'close', isReadonly: true, initializer: '(): void => this.transport.close()' },
      ],
      ctors: [{ parameters: [{ name: 'transport', type: transportType }], statements: ['this.transport = transport;'] }],
      getAccessors: getters,
    },
  ];
}

/** A helper's type as written: `Iterate<KeyValue>`. */
function helperType(type: HelperType): string {
  const args = type.typeArguments ?? [];
  return args.length ? `${type.name}<${args.join(', ')}>` : type.name;
}

/** The generated class of the client object over a transport. */
const CLIENT_ON = 'ClientOnTransport';

/** The module users import: the client, models and services, and what the manifest says this client's runtime offers. */
export function emitIndex(model: ApiModel, options: EmitOptions): StatementStructures[] {
  const reexport = (module: string, names: readonly string[], isTypeOnly = false): StatementStructures[] =>
    names.length ? [{ kind: StructureKind.ExportDeclaration, moduleSpecifier: module, isTypeOnly, namedExports: [...names] }] : [];
  return [
    ...reexport('./client.js', [options.clientName]),
    ...reexport('./client.js', ['EtcdClient'], true),
    { kind: StructureKind.ExportDeclaration, moduleSpecifier: './models.js' },
    { kind: StructureKind.ExportDeclaration, moduleSpecifier: './services.js' },
    ...indexExports(model).flatMap((m) => [...reexport(m.specifier, m.values), ...reexport(m.specifier, m.types, true)]),
    ...emitFakeEtcd(model),
  ];
}

/**
 * `createFakeEtcd(options?)`: the in-memory etcd of runtime/testing/, answering by default as the newest etcd the
 * client was generated from. A function declaration, so a bundle that never calls it drops the whole fake.
 */
function emitFakeEtcd(model: ApiModel): StatementStructures[] {
  if (!needs(model, { services: ['kv'] })) return [];
  const newest = [...model.versions].sort(compareVersions).at(-1) ?? '3.6.14';
  return [
    { kind: StructureKind.ImportDeclaration, moduleSpecifier: RUNTIME.fakeEtcd.specifier, namedImports: ['createFakeEtcdAs', 'type FakeEtcd', 'type FakeEtcdOptions'] },
    {
      kind: StructureKind.Function,
      isExported: true,
      name: 'createFakeEtcd',
      parameters: [{ name: 'options', type: 'FakeEtcdOptions', hasQuestionToken: true }],
      returnType: 'FakeEtcd',
      docs: jsDoc(
        `An in-memory etcd for tests, reached through \`createClient(fake.clientOptions)\` with no socket; it answers as etcd ${newest} unless \`options.version\` says otherwise.`,
        'See docs/testing.md of etcd-gateway-codegen for what it does and does not do.',
      ),
      statements: [`return createFakeEtcdAs('${newest}', options);`],
    },
  ];
}
