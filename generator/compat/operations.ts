/**
 * Operations: added and removed (by canonical route and method), a route rebound to another RPC, an
 * operationId renamed, a canonical route swapped with its alias, and changed request/response shapes.
 */
import type { Operation, Service } from '../../spec/model.js';
import { routeAnswer } from '../../spec/risks.js';
import { operationKey, type CompareContext } from './context.js';
import { sameShape } from './shapes.js';
import { streamEnvelopeChange } from './streams.js';
import type { Change } from './types.js';

interface Entry {
  readonly service: Service;
  readonly op: Operation;
  readonly key: string;
}


export function compareOperations(ctx: CompareContext): Change[] {
  const oldOps = entries(ctx.old.services);
  const newOps = entries(ctx.new.services);
  const changes: Change[] = [];
  for (const key of [...new Set([...oldOps.keys(), ...newOps.keys()])].sort()) {
    const [o, n] = [oldOps.get(key), newOps.get(key)];
    if (!o || !n) continue;
    changes.push(...(rpcName(o) === rpcName(n) ? comparePair(ctx, o, n) : [rebound(ctx, o, n)]));
  }
  const oldOnly = [...oldOps.values()].filter((e) => !newOps.has(e.key));
  const newOnly = [...newOps.values()].filter((e) => !oldOps.has(e.key));
  for (const o of oldOnly) {
    const n = newOnly.find((c) => rpcName(c) === rpcName(o) && (routesOf(c.op).includes(o.op.route.path) || routesOf(o.op).includes(c.op.route.path)));
    if (n) {
      newOnly.splice(newOnly.indexOf(n), 1);
      changes.push(aliasMoved(ctx, o, n), ...comparePair(ctx, o, n, false));
    } else {
      changes.push(removed(ctx, o, newOps));
    }
  }
  for (const n of newOnly) changes.push(added(ctx, n, oldOps));
  return changes;
}

function entries(services: readonly Service[]): Map<string, Entry> {
  return new Map(services.flatMap((service) => service.operations.map((op) => [operationKey(op), { service, op, key: operationKey(op) }] as const)));
}

const rpcName = (e: Entry): string => `${e.service.name}.${e.op.rpc}`;
const methodOf = (e: Entry): string => `${e.service.property}.${e.op.method}`;
const routesOf = (op: Operation): string[] => [op.route.path, ...op.alternateRoutes.map((r) => r.path)];
/** What spec/risks.ts knows of how servers resolve a route the specs describe otherwise. */
const note = (e: Entry): string => {
  const answer = routeAnswer(e.op.route.path);
  return answer ? ` Note: ${answer.why}.` : '';
};

/** Other RPCs of the same name bound elsewhere on the other side: `HashKV is at POST /maintenance/hash there`. */
function elsewhere(e: Entry, other: ReadonlyMap<string, Entry>): string {
  const same = [...other.values()].filter((c) => rpcName(c) === rpcName(e));
  return same.length ? ` (${rpcName(e)} is bound at ${same.map((c) => c.key).join(', ')} there)` : '';
}

function added(ctx: CompareContext, n: Entry, oldOps: ReadonlyMap<string, Entry>): Change {
  return {
    id: 'operation-added',
    level: { A: 'INFO', B: 'ERR' },
    reason: {
      A: `old clients do not call it`,
      B: `${ctx.oldServer} does not serve ${n.key}${elsewhere(n, oldOps)}: every call of ${methodOf(n)} fails with 404 (UNIMPLEMENTED)`,
    },
    operation: n.key,
    to: rpcName(n),
    text: `operation added: ${n.key} (${rpcName(n)}, client method ${methodOf(n)})`,
  };
}

function removed(ctx: CompareContext, o: Entry, newOps: ReadonlyMap<string, Entry>): Change {
  return {
    id: 'operation-removed',
    level: { A: 'ERR', B: 'INFO' },
    reason: {
      A: `${ctx.newServer} does not serve ${o.key}${elsewhere(o, newOps)}: every call of ${methodOf(o)} fails with 404 (UNIMPLEMENTED)`,
      B: `new clients do not call it`,
    },
    operation: o.key,
    from: rpcName(o),
    text: `operation removed: ${o.key} (${rpcName(o)}, client method ${methodOf(o)})`,
  };
}

function rebound(ctx: CompareContext, o: Entry, n: Entry): Change {
  const answer = (from: Entry, to: Entry, server: string) =>
    `a client calling ${methodOf(from)} (${rpcName(from)}) reaches ${rpcName(to)} on ${server}: its ${from.op.request} is read as ${to.op.request} and the answer is a ${to.op.response}, not a ${from.op.response}.${note(o)}`;
  return {
    id: 'operation-rebound',
    level: { A: 'ERR', B: 'ERR' },
    reason: { A: answer(o, n, ctx.newServer), B: answer(n, o, ctx.oldServer) },
    operation: o.key,
    from: rpcName(o),
    to: rpcName(n),
    text: `route rebound: ${o.key} is ${rpcName(o)} in the old spec and ${rpcName(n)} in the new one`,
  };
}

function aliasMoved(ctx: CompareContext, o: Entry, n: Entry): Change {
  const reaches = (client: Entry, server: Entry, name: string) =>
    routesOf(server.op).includes(client.op.route.path)
      ? { level: 'INFO' as const, reason: `${name} still binds ${client.key} (as ${boundAs(server.op, client.op.route.path)})` }
      : { level: 'ERR' as const, reason: `${name} binds ${rpcName(server)} only at ${routesOf(server.op).map((p) => `${server.op.route.httpMethod} ${p}`).join(', ')}: every call of ${methodOf(client)} at ${client.key} fails with 404 (UNIMPLEMENTED)` };
  const a = reaches(o, n, ctx.newServer);
  const b = reaches(n, o, ctx.oldServer);
  return {
    id: 'operation-alias-moved',
    level: { A: a.level, B: b.level },
    reason: { A: a.reason, B: b.reason },
    operation: n.key,
    from: o.key,
    to: n.key,
    text: `canonical route of ${rpcName(n)} moved: ${o.key} → ${n.key}`,
  };
}

function boundAs(op: Operation, path: string): string {
  if (op.route.path === path) return `its canonical route, ${op.route.operationId}`;
  return `the alias ${op.alternateRoutes.find((r) => r.path === path)?.operationId ?? path}`;
}

/** Same RPC on both sides: names, aliases, messages, streaming. */
function comparePair(ctx: CompareContext, o: Entry, n: Entry, compareAliases = true): Change[] {
  const changes: Change[] = [];
  if (o.op.route.operationId !== n.op.route.operationId || o.op.method !== n.op.method) changes.push(renamed(o, n));
  const [oldAliases, newAliases] = [o.op.alternateRoutes.map((r) => r.path).join(', '), n.op.alternateRoutes.map((r) => r.path).join(', ')];
  if (compareAliases && oldAliases !== newAliases) {
    changes.push({
      id: 'operation-alias-changed',
      level: { A: 'INFO', B: 'INFO' },
      reason: { A: 'clients call the canonical route, which both sides bind', B: 'clients call the canonical route, which both sides bind' },
      operation: n.key,
      from: oldAliases || '(none)',
      to: newAliases || '(none)',
      text: `aliases of ${n.key}: ${oldAliases || '(none)'} → ${newAliases || '(none)'}`,
    });
  }
  const signature = signatureChange(ctx, o, n);
  if (signature) changes.push(signature);
  const stream = streamEnvelopeChange(n.key, o.op, n.op);
  if (stream) changes.push(stream);
  return changes;
}

function renamed(o: Entry, n: Entry): Change {
  const method = methodOf(o) === methodOf(n) ? `the generated method stays ${methodOf(n)}` : `the generated method ${methodOf(o)} becomes ${methodOf(n)}: code calling it must be renamed`;
  const reason = `the wire is unchanged; ${method} (generators that name methods by operationId rename ${o.op.route.operationId} to ${n.op.route.operationId})`;
  return {
    id: 'operation-renamed',
    level: { A: 'INFO', B: 'INFO' },
    reason: { A: reason, B: reason },
    operation: n.key,
    from: o.op.route.operationId,
    to: n.op.route.operationId,
    text: `operationId of ${n.key}: ${o.op.route.operationId} → ${n.op.route.operationId}`,
  };
}

function signatureChange(ctx: CompareContext, o: Entry, n: Entry): Change | undefined {
  const streaming = (op: Operation) => `${op.requestStreaming ? 'stream ' : ''}${op.request} → ${op.responseStreaming ? 'stream ' : ''}${op.response}`;
  const [from, to] = [streaming(o.op), streaming(n.op)];
  if (from === to) return undefined;
  const flagsDiffer = o.op.requestStreaming !== n.op.requestStreaming || o.op.responseStreaming !== n.op.responseStreaming;
  const shapesMatch = sameShape(ctx, o.op.request, n.op.request) && sameShape(ctx, o.op.response, n.op.response);
  const level = flagsDiffer ? 'ERR' : shapesMatch ? 'INFO' : 'WARN';
  const reason = flagsDiffer
    ? 'one side streams where the other does not: calls cannot be framed alike'
    : shapesMatch
      ? 'the messages were renamed but have the same wire shape'
      : 'the messages differ; their field changes are reported on their own';
  return { id: 'operation-signature-changed', level: { A: level, B: level }, reason: { A: reason, B: reason }, operation: n.key, from, to, text: `${n.key}: ${from} became ${to}` };
}
