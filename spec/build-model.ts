/**
 * buildModel: loaded specs of one etcd version → the version-neutral model. Pure; every collection sorted.
 */
import { readOperations, type RawOperation } from './operations.js';
import {
  definitionKey,
  definitionKind,
  definitionSchema,
  readFields,
  reachableDefinitions,
  type DefinitionRef,
  type RawType,
} from './definitions.js';
import { buildErrorBodies } from './error-bodies.js';
import { SpecError } from './errors.js';
import type { LoadedSpec } from './load.js';
import type { ApiModel, Enum, Field, FieldType, Message, Operation, Safety, Service } from './model.js';
import { compareText } from './order.js';
import { isIdentifier, isReservedTypeName, jsonName, methodName, pascalCase, serviceProperty, splitPackage } from './names.js';
import { compareVersions } from './versions.js';

export interface BuildOptions {
  /** Keep only these services (by client property or tag, case-insensitive: `kv,watch,lease`). */
  readonly services?: readonly string[];
  /** Names the generated code takes besides the models (the runtime's exports in the index): models avoid them. */
  readonly reservedNames?: ReadonlySet<string>;
}

export function buildModel(specs: readonly LoadedSpec[], options: BuildOptions = {}): ApiModel {
  const sorted = [...specs].sort((a, b) => compareText(a.basename, b.basename) || compareText(a.file, b.file));
  const drafts = selectServices(groupRoutes(sorted.flatMap(readOperations)), options.services);
  const roots = drafts.flatMap((d) => [{ spec: d.primary.spec, name: d.primary.request }, { spec: d.primary.spec, name: d.primary.response }]);
  const definitions = reachableDefinitions(roots);
  const notes: string[] = [];
  const names = nameDefinitions(definitions, notes, options.reservedNames ?? new Set());
  const typeOf = (t: RawType): FieldType => fieldType(t, names);
  const versions = [...new Set(sorted.flatMap((s) => (s.version ? [s.version] : [])))].sort(compareVersions);
  const errorBodies = buildErrorBodies(drafts.map((d) => d.primary));
  return {
    sources: sorted.map((s) => ({ file: s.basename, ...(s.version ? { version: s.version } : {}), ...(s.doc.info?.title ? { title: s.doc.info.title } : {}) })),
    versions,
    services: buildServices(drafts, names),
    messages: buildMessages(definitions, names, typeOf),
    enums: buildEnums(definitions, names),
    notes,
    ...(errorBodies.length ? { errorBodies } : {}),
  };
}

/** The services the specs define (before any `services` selection): tag and client property. */
export function serviceNames(specs: readonly LoadedSpec[]): { name: string; property: string }[] {
  const tags = [...new Set(specs.flatMap(readOperations).map((op) => op.service))].sort(compareText);
  return tags.map((name) => ({ name, property: serviceProperty(name) }));
}

/** All routes of one RPC: the primary binding and its aliases (`LeaseRevoke2` at /kv/lease/revoke). */
interface OperationDraft {
  readonly service: string;
  readonly rpc: string;
  readonly primary: RawOperation;
  readonly alternates: readonly RawOperation[];
}

const ALIAS_SUFFIX = /^(.*\D)\d+$/;

function groupRoutes(raw: readonly RawOperation[]): OperationDraft[] {
  const names = new Set(raw.map((op) => `${op.service}\u0000${op.name}`));
  const groups = new Map<string, RawOperation[]>();
  for (const op of raw) {
    const base = ALIAS_SUFFIX.exec(op.name)?.[1];
    const rpc = base !== undefined && names.has(`${op.service}\u0000${base}`) ? base : op.name;
    const key = `${op.service}\u0000${rpc}`;
    groups.set(key, [...(groups.get(key) ?? []), op]);
  }
  return [...groups.entries()].map(([key, ops]) => {
    const rpc = key.split('\u0000')[1]!;
    const byPrimacy = [...ops].sort((a, b) => Number(a.name !== rpc) - Number(b.name !== rpc) || compareText(a.route.path, b.route.path));
    const primary = byPrimacy[0]!;
    for (const other of byPrimacy.slice(1)) assertSameRpc(primary, other);
    const seen = new Set([primary.route.path]);
    const alternates = byPrimacy.slice(1).filter((op) => !seen.has(op.route.path) && seen.add(op.route.path));
    return { service: primary.service, rpc, primary, alternates };
  });
}

function assertSameRpc(primary: RawOperation, other: RawOperation): void {
  const same = (a: string, b: string) => a.replace(/^[a-z][a-z0-9]*/, '') === b.replace(/^[a-z][a-z0-9]*/, '');
  if (!same(primary.request, other.request) || !same(primary.response, other.response)) {
    throw new SpecError(
      other.spec.file,
      other.route.source.pointer,
      `operation ${other.route.operationId} and ${primary.route.operationId} (${primary.route.source.file}#${primary.route.source.pointer}) name one RPC with different messages`,
    );
  }
}

function selectServices(drafts: OperationDraft[], wanted: readonly string[] | undefined): OperationDraft[] {
  if (!wanted) return drafts;
  const keep = new Set(wanted.map((s) => s.toLowerCase()));
  return drafts.filter((d) => keep.has(d.service.toLowerCase()) || keep.has(serviceProperty(d.service).toLowerCase()));
}

/** Reads never change state: safe to send again after they may have reached a server. */
const READ_RPC = /^(Range|Authenticate|Watch|Observe|Snapshot)$|(List|Get|Status|TimeToLive|Leases|Hash|HashKV|Leader)$/;

function safetyOf(rpc: string): Safety {
  if (rpc === 'Txn') return 'txn';
  return READ_RPC.test(rpc) ? 'read' : 'write';
}

function buildServices(drafts: readonly OperationDraft[], names: DefinitionNames): Service[] {
  const byService = new Map<string, OperationDraft[]>();
  for (const d of drafts) byService.set(d.service, [...(byService.get(d.service) ?? []), d]);
  const services = [...byService.entries()].map(([name, group]) => ({
    name,
    property: serviceProperty(name),
    operations: methodNames(group).map(([d, method]) => buildOperation(d, method, names)).sort((a, b) => compareText(a.method, b.method)),
  }));
  assertUnique(services.map((s) => s.property), (p) => `two services share the client property ${p}`);
  return services.sort((a, b) => compareText(a.name, b.name));
}

/** Method names; where dropping the service name makes two collide, both keep the whole RPC name. */
function methodNames(group: readonly OperationDraft[]): [OperationDraft, string][] {
  const short = group.map((d) => methodName(d.service, d.rpc));
  const named = group.map((d, i): [OperationDraft, string] => [d, short.indexOf(short[i]!) === short.lastIndexOf(short[i]!) ? short[i]! : methodName('', d.rpc)]);
  assertUnique(named.map(([, m]) => m), (m) => `service ${group[0]!.service} has two operations named ${m}`);
  return named;
}

function buildOperation(draft: OperationDraft, method: string, names: DefinitionNames): Operation {
  const p = draft.primary;
  const request = names.get(definitionKey({ spec: p.spec, name: p.request }))!;
  const response = names.get(definitionKey({ spec: p.spec, name: p.response }))!;
  for (const [role, ref, named] of [['request', p.request, request], ['response', p.response, response]] as const) {
    if (named.kind !== 'message') throw new SpecError(p.spec.file, p.route.source.pointer, `unsupported: the ${role} ${ref} is not a message`);
  }
  return {
    service: draft.service,
    rpc: draft.rpc,
    method,
    route: p.route,
    alternateRoutes: draft.alternates.map((a) => a.route),
    request: request.name,
    requestStreaming: p.requestStreaming,
    response: response.name,
    responseStreaming: p.responseStreaming,
    ...(p.streamStyle ? { streamStyle: p.streamStyle } : {}),
    ...(p.errorBody ? { errorBody: p.errorBody } : {}),
    ...(p.streamErrorBody ? { streamErrorBody: p.streamErrorBody } : {}),
    safety: safetyOf(draft.rpc),
    ...(draft.rpc === 'Authenticate' ? { authenticates: true } : {}),
    ...(p.summary ? { summary: p.summary } : {}),
  };
}

interface NamedDefinition {
  readonly name: string;
  readonly kind: 'message' | 'enum' | 'json';
}
type DefinitionNames = Map<string, NamedDefinition>;

/**
 * Name each definition by its message name without the proto package. Definitions of one name and one shape
 * (ResponseHeader in rpc, v3lock and v3election) become one type. Where one name has several shapes, or is a
 * reserved word, each keeps its package as a PascalCase prefix (`RpcStatus`, `GooglerpcStatus`, `RuntimeError`);
 * should that still clash, the file name is appended. Every such decision is written to `notes`.
 */
function nameDefinitions(definitions: readonly DefinitionRef[], notes: string[], reserved: ReadonlySet<string>): DefinitionNames {
  const byName = new Map<string, DefinitionRef[]>();
  for (const ref of definitions) {
    const short = splitPackage(ref.name).name;
    byName.set(short, [...(byName.get(short) ?? []), ref]);
  }
  const names: DefinitionNames = new Map();
  const shapeOfName = new Map<string, string>();
  const claim = (wanted: string, ref: DefinitionRef, shape: string): string => {
    const candidates = [wanted, `${wanted}${pascalCase(ref.spec.basename.replace(/\.swagger\.json$/, ''))}`];
    for (let n = 2; ; n++) {
      const name = candidates.shift() ?? `${wanted}${n}`;
      const holder = shapeOfName.get(name);
      if (holder === undefined || holder === shape) {
        shapeOfName.set(name, shape);
        return name;
      }
    }
  };
  for (const [short, group] of [...byName.entries()].sort(([a], [b]) => compareText(a, b))) {
    const refs = [...group].sort((a, b) => compareText(a.spec.basename, b.spec.basename) || compareText(a.name, b.name));
    const shapes = new Set(refs.map(shapeOf));
    const plain = shapes.size === 1 && isIdentifier(short) && !isReservedTypeName(short, reserved);
    for (const ref of refs) {
      const name = claim(plain ? short : qualifiedName(ref, reserved), ref, shapeOf(ref));
      if (name !== short) notes.push(`${ref.spec.basename}: definition ${ref.name} is named ${name} (${shapes.size > 1 ? `${short} has several shapes` : `${short} is reserved or not an identifier`})`);
      names.set(definitionKey(ref), { name, kind: definitionKind(ref) });
    }
  }
  return names;
}

function qualifiedName(ref: DefinitionRef, reserved: ReadonlySet<string>): string {
  const { pkg, name } = splitPackage(ref.name);
  const qualified = pkg ? pascalCase(pkg) + pascalCase(name) : `${pascalCase(name)}Type`;
  return isReservedTypeName(qualified, reserved) ? `${qualified}Type` : qualified;
}

/** A definition's shape: its schema without prose, keys sorted. */
function shapeOf(ref: DefinitionRef): string {
  const prose = new Set(['description', 'title', 'example', 'externalDocs']);
  return JSON.stringify(definitionSchema(ref), (key, value: unknown) => {
    if (prose.has(key)) return undefined;
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      return Object.fromEntries(Object.entries(value).sort(([a], [b]) => compareText(a, b)));
    }
    return value;
  });
}

function fieldType(t: RawType, names: DefinitionNames): FieldType {
  if (t.kind !== 'ref') return t;
  const named = names.get(definitionKey(t.target))!;
  return named.kind === 'json' ? { kind: 'json' } : { kind: named.kind, name: named.name };
}

function firstOfEachName(definitions: readonly DefinitionRef[], names: DefinitionNames, kind: string): [string, DefinitionRef[]][] {
  const byName = new Map<string, DefinitionRef[]>();
  for (const ref of definitions) {
    const named = names.get(definitionKey(ref))!;
    if (named.kind === kind) byName.set(named.name, [...(byName.get(named.name) ?? []), ref]);
  }
  return [...byName.entries()].sort(([a], [b]) => compareText(a, b));
}

function buildMessages(definitions: readonly DefinitionRef[], names: DefinitionNames, typeOf: (t: RawType) => FieldType): Message[] {
  return firstOfEachName(definitions, names, 'message').map(([name, refs]) => {
    const ref = refs[0]!;
    const schema = definitionSchema(ref);
    return {
      name,
      definitions: [...new Set(refs.map((r) => r.name))].sort(compareText),
      fields: buildFields(ref, typeOf),
      ...(schema.description ?? schema.title ? { description: (schema.description ?? schema.title)! } : {}),
      source: { file: ref.spec.file, pointer: `/definitions/${ref.name}` },
    };
  });
}

/** Fields in declaration order (as in the .proto). Friendly names that would clash keep their wire names. */
function buildFields(ref: DefinitionRef, typeOf: (t: RawType) => FieldType): Field[] {
  const raw = readFields(ref);
  const friendly = raw.map((f) => jsonName(f.wireName));
  return raw.map((f, i) => ({
    wireName: f.wireName,
    name: friendly.indexOf(friendly[i]!) === friendly.lastIndexOf(friendly[i]!) ? friendly[i]! : f.wireName,
    type: typeOf(f.type),
    repeated: f.repeated,
    ...(f.description ? { description: f.description } : {}),
  }));
}

function buildEnums(definitions: readonly DefinitionRef[], names: DefinitionNames): Enum[] {
  return firstOfEachName(definitions, names, 'enum').map(([name, refs]) => {
    const ref = refs[0]!;
    const schema = definitionSchema(ref);
    const values = [...new Set((schema.enum ?? []).map((v) => String(v)))];
    if (values.length === 0) throw new SpecError(ref.spec.file, `/definitions/${ref.name}/enum`, 'an enum without values');
    const zero = schema.default !== undefined && values.includes(String(schema.default)) ? String(schema.default) : values[0]!;
    return {
      name,
      definitions: [...new Set(refs.map((r) => r.name))].sort(compareText),
      values: values.map((v) => ({ name: v })),
      zero,
      ...(schema.description ? { description: schema.description } : {}),
      source: { file: ref.spec.file, pointer: `/definitions/${ref.name}` },
    };
  });
}

function assertUnique(values: readonly string[], message: (v: string) => string): void {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) throw new SpecError('(model)', '', message(v));
    seen.add(v);
  }
}
