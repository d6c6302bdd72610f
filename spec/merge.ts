/**
 * mergeModels: one model over several etcd versions (the union), each operation, field, enum value and
 * message marked with the versions that have it when not all do. Pure; every collection sorted.
 *
 * Where versions disagree the newest wins (an operation's route and messages, a field's type, an enum's zero);
 * each such decision is written to `notes`. Versions that call an operation at another canonical route keep it
 * in `versionRoutes`, so a client over 3.2 and 3.6 still reaches LeaseRevoke at /kv/lease/revoke on 3.2.
 */
import { compareText } from './order.js';
import { OptionError, SpecError } from './errors.js';
import { mergeEnums, mergeMessages, presence, versionsUnlessAll, type Versioned } from './merge-types.js';
import type { ApiModel, ErrorBody, Operation, Service, SourceInfo, VersionOperations, VersionRoute } from './model.js';
import { compareVersions } from './versions.js';

export function mergeModels(models: readonly ApiModel[]): ApiModel {
  if (models.length === 1) return models[0]!;
  const ordered = orderByVersion(models);
  const versions = ordered.flatMap((m) => m.versions);
  const notes: string[] = [];
  const services = mergeServices(ordered, versions);
  return {
    sources: mergeSources(ordered),
    versions,
    services,
    messages: mergeMessages(ordered, versions, notes),
    enums: mergeEnums(ordered, versions, notes),
    notes: [...new Set([...ordered.flatMap((m) => m.notes), ...notes])],
    ...mergeErrorBodies(ordered),
    operationsByVersion: operationsByVersion(ordered, services),
  };
}

/** Oldest first; every model must name its versions, and no version may come twice. */
function orderByVersion(models: readonly ApiModel[]): ApiModel[] {
  const seen = new Set<string>();
  for (const m of models) {
    if (m.versions.length === 0) {
      const files = m.sources.map((s) => s.file).join(', ');
      throw new OptionError('--spec', `cannot merge ${files} with other versions: its etcd version is unknown (use --etcd, or a v<version> directory)`);
    }
    for (const v of m.versions) {
      if (seen.has(v)) throw new OptionError('--etcd', `etcd ${v} is given twice`);
      seen.add(v);
    }
  }
  return [...models].sort((a, b) => compareVersions(a.versions[0]!, b.versions[0]!));
}

function mergeSources(models: readonly ApiModel[]): SourceInfo[] {
  const all = models.flatMap((m) => m.sources);
  return all.sort((a, b) => compareVersions(a.version ?? '0', b.version ?? '0') || compareText(a.file, b.file));
}

interface OperationVersions {
  readonly service: Service;
  readonly versions: Versioned<Operation>[];
}

function mergeServices(models: readonly ApiModel[], all: readonly string[]): Service[] {
  const byService = new Map<string, Map<string, OperationVersions>>();
  const latestService = new Map<string, Service>();
  for (const model of models) {
    for (const service of model.services) {
      latestService.set(service.name, service);
      const ops = byService.get(service.name) ?? new Map<string, OperationVersions>();
      for (const op of service.operations) {
        const entry = ops.get(op.rpc) ?? { service, versions: [] };
        entry.versions.push({ item: op, versions: presence(op, model) });
        ops.set(op.rpc, entry);
      }
      byService.set(service.name, ops);
    }
  }
  return [...byService.entries()]
    .sort(([a], [b]) => compareText(a, b))
    .map(([name, ops]) => {
      const latest = latestService.get(name)!;
      const operations = [...ops.values()].map((o) => mergeOperation(o.versions, all)).sort((a, b) => compareText(a.method, b.method));
      assertUniqueMethods(name, operations);
      return { name, property: latest.property, operations };
    });
}

function mergeOperation(history: readonly Versioned<Operation>[], all: readonly string[]): Operation {
  const latest = history[history.length - 1]!.item;
  const present = history.flatMap((h) => h.versions);
  const elsewhere = new Map<string, string[]>();
  for (const { item, versions } of history) {
    const routes = [item.route.path, ...item.alternateRoutes.map((r) => r.path)];
    if (routes.includes(latest.route.path)) continue;
    elsewhere.set(item.route.path, [...(elsewhere.get(item.route.path) ?? []), ...versions]);
  }
  const versionRoutes: VersionRoute[] = [...elsewhere.entries()].map(([path, versions]) => ({ versions, path })).sort((a, b) => compareText(a.path, b.path));
  const versions = versionsUnlessAll(present, all);
  const { versions: _ignored, versionRoutes: _routes, ...rest } = latest;
  return { ...rest, ...(versions ? { versions } : {}), ...(versionRoutes.length ? { versionRoutes } : {}) };
}

function assertUniqueMethods(service: string, operations: readonly Operation[]): void {
  for (let i = 1; i < operations.length; i++) {
    const [a, b] = [operations[i - 1]!, operations[i]!];
    if (a.method === b.method) {
      throw new SpecError('(merged model)', '', `service ${service}: RPCs ${a.rpc} and ${b.rpc} of different etcd versions both become the method ${a.method}`);
    }
  }
}

function mergeErrorBodies(models: readonly ApiModel[]): { errorBodies?: ErrorBody[] } {
  const fields = new Map<string, Set<string>>();
  for (const body of models.flatMap((m) => m.errorBodies ?? [])) {
    fields.set(body.definition, new Set([...(fields.get(body.definition) ?? []), ...body.fields]));
  }
  const errorBodies = [...fields.entries()].sort(([a], [b]) => compareText(a, b)).map(([definition, f]) => ({ definition, fields: [...f].sort(compareText) }));
  return errorBodies.length ? { errorBodies } : {};
}

/** For each version, the `service.method` names of the operations its specs have. */
function operationsByVersion(models: readonly ApiModel[], merged: readonly Service[]): VersionOperations[] {
  const property = new Map(merged.map((s) => [s.name, s.property]));
  const method = new Map(merged.flatMap((s) => s.operations.map((op) => [`${s.name}\u0000${op.rpc}`, op.method] as const)));
  const table = new Map<string, string[]>();
  for (const model of models) {
    for (const service of model.services) {
      for (const op of service.operations) {
        const name = `${property.get(service.name)}.${method.get(`${service.name}\u0000${op.rpc}`)}`;
        for (const v of presence(op, model)) table.set(v, [...(table.get(v) ?? []), name]);
      }
    }
  }
  return models
    .flatMap((m) => m.versions)
    .map((version) => ({ version, operations: [...new Set(table.get(version) ?? [])].sort(compareText) }));
}
