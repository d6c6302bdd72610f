// Shipped only in clients generated over several etcd versions. Wraps the transport so that, once the server's
// version is known (prefix 'auto' reads GET /version), a call the server cannot honour fails before anything is
// sent: an operation that version lacks throws EtcdUnsupportedError, a request field it would silently ignore
// throws EtcdIgnoredFieldError (unless allowIgnoredFields), and an operation it binds at another route goes there.
import { EtcdUnsupportedError } from '../errors.js';
import type { CallOptions, ClientOptions, OperationDescriptor, Transport } from '../types.js';
import { checkRoute } from './route-check.js';
import { compareVersions, releaseOf } from './etcd-version.js';

/** A request field not every version has: the versions that have it, and what ignoring it costs. */
export interface VersionedField {
  /** The versions that have it; absent when every version of its message does. */
  readonly versions?: readonly string[];
  /** What a server without it does instead (the silent risk). */
  readonly risk?: string;
  /** The message the field holds, when that message has versioned fields of its own. */
  readonly message?: string;
  /** For an enum field: its zero value (sending the zero is the same as not sending it). */
  readonly zero?: string;
}

/** The facts the guard checks against, generated from the specs (see versions.ts in the generated client). */
export interface VersionTable {
  /** Every etcd version the client was generated from, oldest first. */
  readonly versions: readonly string[];
  /** For each version, the `service.method` names of the operations it has. */
  readonly operations: Readonly<Record<string, readonly string[]>>;
  /** Operations some versions call at another route: `{ 'lease.revoke': [{ versions: ['3.2.32'], route: '/kv/lease/revoke' }] }`. */
  readonly routes: Readonly<
    Record<string, readonly { readonly versions: readonly string[]; readonly route: string }[]>
  >;
  /** The request message of each operation whose request has versioned fields. */
  readonly requests: Readonly<Record<string, string>>;
  /** Per message, its versioned fields and the fields leading to messages that have some (by wire name). */
  readonly messages: Readonly<Record<string, Readonly<Record<string, VersionedField>>>>;
}

export interface VersionGuardOptions {
  /** Send fields the server would ignore instead of throwing EtcdIgnoredFieldError (default false). */
  readonly allowIgnoredFields?: boolean;
}

/** What a client over several etcd versions takes: the transport's options and the guard's. */
export type VersionedClientOptions = ClientOptions & VersionGuardOptions;

/** A request sets a field the server's etcd version does not know and would silently ignore (HTTP 200). */
export class EtcdIgnoredFieldError extends EtcdUnsupportedError {
  override readonly name: string = 'EtcdIgnoredFieldError';
  /** Where in the request: `compare[0].range_end`. */
  readonly field: string;
  readonly consequence: string | undefined;

  constructor(
    operation: string,
    field: string,
    serverVersion: string,
    supportedVersions: string,
    consequence?: string,
  ) {
    super(operation, serverVersion, supportedVersions);
    this.field = field;
    this.consequence = consequence;
    this.message =
      `${operation} sets ${field}, which etcd ${serverVersion} ignores silently` +
      `${consequence === undefined ? '' : `: ${consequence}`}. It needs etcd ${supportedVersions}; ` +
      'pass allowIgnoredFields: true to send it anyway';
  }
}

type Availability = 'yes' | 'no' | 'unknown';

/** Wrap a transport with the version checks; every other member is the transport's own. */
export function createVersionedTransport(
  inner: Transport,
  table: VersionTable,
  options: VersionGuardOptions = {},
): Transport {
  const guard = async (op: OperationDescriptor, body: unknown): Promise<OperationDescriptor> => {
    const prefix = inner.options.prefix;
    if (prefix !== undefined && prefix !== 'auto') return op;
    const server = await inner.serverVersion();
    if (server === undefined || !(op.name in operationVersions(table))) return op;
    checkOperation(table, op.name, server);
    if (options.allowIgnoredFields !== true) checkFields(table, op.name, body, server);
    const routed = routeFor(table, op, server);
    if (routed.answeredBy) await checkRoute(routed, () => Promise.resolve(server));
    return routed;
  };
  const unary = async (op: OperationDescriptor, body: unknown, call?: CallOptions) =>
    inner.unary(await guard(op, body), body, call);
  async function* stream(
    op: OperationDescriptor,
    body: unknown,
    call?: CallOptions,
  ): AsyncGenerator<Record<string, unknown>> {
    yield* inner.stream(await guard(op, body), body, call);
  }
  return new Proxy(inner, {
    get(target, property) {
      if (property === 'unary') return unary;
      if (property === 'stream') return stream;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

const inverted = new WeakMap<VersionTable, Record<string, string[]>>();

/** Operation name → the versions that have it. */
function operationVersions(table: VersionTable): Record<string, string[]> {
  let byOperation = inverted.get(table);
  if (byOperation === undefined) {
    byOperation = {};
    for (const version of table.versions) {
      for (const name of table.operations[version] ?? []) (byOperation[name] ??= []).push(version);
    }
    inverted.set(table, byOperation);
  }
  return byOperation;
}

function checkOperation(table: VersionTable, name: string, server: string): void {
  const have = operationVersions(table)[name] ?? [];
  if (availability(have, server, table.versions) === 'no') {
    throw new EtcdUnsupportedError(name, server, versionRanges(have, table.versions));
  }
}

function routeFor(table: VersionTable, op: OperationDescriptor, server: string): OperationDescriptor {
  for (const alternative of table.routes[op.name] ?? []) {
    if (availability(alternative.versions, server, table.versions) === 'yes')
      return { ...op, route: alternative.route };
  }
  return op;
}

function checkFields(table: VersionTable, name: string, body: unknown, server: string): void {
  const message = table.requests[name];
  if (message === undefined) return;
  const bodies = Array.isArray(body) ? body : [body];
  bodies.forEach((b, i) => walk(table, name, message, b, bodies.length > 1 ? `[${i}]` : '', server, new Set()));
}

function walk(
  table: VersionTable,
  operation: string,
  message: string,
  value: unknown,
  path: string,
  server: string,
  seen: Set<unknown>,
): void {
  if (typeof value !== 'object' || value === null || seen.has(value)) return;
  seen.add(value);
  const fields = table.messages[message] ?? {};
  for (const [wireName, field] of Object.entries(fields)) {
    const set = (value as Record<string, unknown>)[wireName];
    if (!isSet(set, field)) continue;
    const at = path ? `${path}.${wireName}` : wireName;
    const have = field.versions;
    if (have !== undefined && availability(have, server, table.versions) === 'no') {
      throw new EtcdIgnoredFieldError(
        operation,
        `${message}.${wireName}${at === wireName ? '' : ` (at ${at})`}`,
        server,
        versionRanges(have, table.versions),
        field.risk,
      );
    }
    if (field.message === undefined) continue;
    const items = Array.isArray(set) ? set : [set];
    items.forEach((item, i) =>
      walk(table, operation, field.message!, item, Array.isArray(set) ? `${at}[${i}]` : at, server, seen),
    );
  }
}

/** Sent with a value the server would act on: not a proto3 zero (an empty message still counts: `{}` asks for something). */
function isSet(value: unknown, field: VersionedField): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '' || value === '0')
    return false;
  if (Array.isArray(value)) return value.length > 0;
  return field.zero === undefined || value !== field.zero;
}

/**
 * Does a server of version `server` have what `have` (a subset of `versions`) lists? Its own version decides
 * when listed; else the nearest release of its minor version; else, between two listed versions, both must
 * agree; older than all: 'no' when only later versions have it. Anything else is 'unknown' (the call goes out).
 */
export function availability(have: readonly string[], server: string, versions: readonly string[]): Availability {
  const base = releaseOf(server);
  if (versions.includes(base)) return have.includes(base) ? 'yes' : 'no';
  const sameMinor = versions.filter((v) => minorOf(v) === minorOf(base));
  if (sameMinor.length > 0) {
    const below = sameMinor.filter((v) => compareVersions(v, base) < 0);
    const nearest = below.length > 0 ? below[below.length - 1]! : sameMinor[0]!;
    return have.includes(nearest) ? 'yes' : 'no';
  }
  const lower = versions.filter((v) => compareVersions(v, base) < 0);
  const upper = versions.filter((v) => compareVersions(v, base) > 0);
  if (lower.length === 0) return have.length > 0 && !have.includes(versions[0]!) ? 'no' : 'unknown';
  if (upper.length === 0) return 'unknown';
  const [a, b] = [have.includes(lower[lower.length - 1]!), have.includes(upper[0]!)];
  return a && b ? 'yes' : !a && !b ? 'no' : 'unknown';
}

/** `3.5.33 or later`, `3.2.32 to 3.4.45`, `3.2.32, 3.6.14 or later`: the runs of `versions` that `have` covers. */
export function versionRanges(have: readonly string[], versions: readonly string[]): string {
  const runs: string[][] = [];
  let current: string[] | undefined;
  for (const v of versions) {
    if (!have.includes(v)) current = undefined;
    else if (current === undefined) runs.push((current = [v]));
    else current.push(v);
  }
  const newest = versions[versions.length - 1];
  return runs
    .map((run) => {
      const [first, last] = [run[0]!, run[run.length - 1]!];
      if (last === newest) return `${first} or later`;
      return first === last ? first : `${first} to ${last}`;
    })
    .join(', ');
}

function minorOf(version: string): string {
  return version.split('.').slice(0, 2).join('.');
}
