/**
 * Routes of an RPC both sides have, added or removed: etcd 3.3 added `/lease/revoke` beside `/kv/lease/revoke`,
 * and `/kv/lease/leases` beside `/lease/leases`. Each is judged twice: its level is what a raw-route user (curl,
 * another generator) gets calling that route on the server that lacks it; `client` says, separately, whether the
 * client generated here is affected: it calls its spec's canonical route, so it is not when the other server
 * binds that one.
 */
import type { Operation, Service } from '../../spec/model.js';
import type { CompareContext } from './context.js';
import type { Change, ClientImpact, Direction } from './types.js';

interface Rpc {
  readonly service: Service;
  readonly op: Operation;
}

const routeKey = (op: Operation, path: string): string => `${op.route.httpMethod} ${path}`;
const routesOf = (op: Operation): string[] => [op.route.path, ...op.alternateRoutes.map((r) => r.path)].map((p) => routeKey(op, p));
const rpcName = (r: Rpc): string => `${r.service.name}.${r.op.rpc}`;
const methodOf = (r: Rpc): string => `${r.service.property}.${r.op.method}`;

function byRpc(services: readonly Service[]): Map<string, Rpc> {
  return new Map(services.flatMap((service) => service.operations.map((op) => [`${service.name}.${op.rpc}`, { service, op }] as const)));
}

/** Every route a side binds → the RPC it binds there (`POST /maintenance/hash` → `Maintenance.Hash`). */
function boundRoutes(rpcs: ReadonlyMap<string, Rpc>): Map<string, string> {
  return new Map([...rpcs].flatMap(([name, r]) => routesOf(r.op).map((route) => [route, name] as const)));
}

/**
 * Every route one side binds and the other does not, for each RPC. Left to the operation checks: routes that
 * `operation-added`/`operation-removed` already name (`covered`), and routes the other side binds to another RPC
 * (`operation-rebound`).
 */
export function compareRoutes(ctx: CompareContext, covered: ReadonlySet<string>): Change[] {
  const [oldRpcs, newRpcs] = [byRpc(ctx.old.services), byRpc(ctx.new.services)];
  const [oldBound, newBound] = [boundRoutes(oldRpcs), boundRoutes(newRpcs)];
  const changes: Change[] = [];
  for (const name of [...new Set([...oldRpcs.keys(), ...newRpcs.keys()])].sort()) {
    const [o, n] = [oldRpcs.get(name), newRpcs.get(name)];
    const sides = { o, n, oldBound, newBound };
    for (const route of n ? routesOf(n.op) : []) {
      if (!oldBound.has(route) && !covered.has(route)) changes.push(routeChange(ctx, 'route-added', route, sides));
    }
    for (const route of o ? routesOf(o.op) : []) {
      if (!newBound.has(route) && !covered.has(route)) changes.push(routeChange(ctx, 'route-removed', route, sides));
    }
  }
  return changes;
}

interface Sides {
  readonly o: Rpc | undefined;
  readonly n: Rpc | undefined;
  readonly oldBound: ReadonlyMap<string, string>;
  readonly newBound: ReadonlyMap<string, string>;
}

function routeChange(ctx: CompareContext, id: 'route-added' | 'route-removed', route: string, sides: Sides): Change {
  const { o, n } = sides;
  const added = id === 'route-added';
  const lacking = added ? ctx.oldServer : ctx.newServer;
  const raw = `a raw-route user calling ${route} on ${lacking} gets 404 (UNIMPLEMENTED)`;
  const spared = added ? `the old spec does not have ${route}: its users do not call it` : `the new spec does not have ${route}: its users do not call it`;
  const [a, b] = added ? [spared, raw] : [raw, spared];
  const owner = (added ? n : o)!;
  const other = routesOf(owner.op).filter((r) => r !== route);
  return {
    id,
    level: { A: added ? 'INFO' : 'ERR', B: added ? 'ERR' : 'INFO' },
    reason: { A: a, B: b },
    client: clientImpacts(ctx, sides),
    operation: route,
    ...(added ? { to: rpcName(owner) } : { from: rpcName(owner) }),
    text: `route ${added ? 'added' : 'removed'}: ${route} (${rpcName(owner)}${other.length ? `; also at ${other.join(', ')}` : ''})`,
  };
}

/** Per direction; a side without the RPC has no generated method to affect: said in words. */
function clientImpacts(ctx: CompareContext, sides: Sides): { A: ClientImpact; B: ClientImpact } {
  const none = (side: string): ClientImpact => ({ affected: false, route: null, reason: `the ${side} spec has no such RPC: its generated client has no method for it` });
  return { A: clientImpact(ctx, 'A', sides) ?? none('old'), B: clientImpact(ctx, 'B', sides) ?? none('new') };
}

/** The generated client of one side calls its canonical route: affected when the other side's server does not bind it. */
function clientImpact(ctx: CompareContext, direction: Direction, sides: Sides): ClientImpact | undefined {
  const { o, n } = sides;
  const [client, server, serverName, serverVersion] = direction === 'A' ? [o, n, ctx.newServer, ctx.newVersion] : [n, o, ctx.oldServer, ctx.oldVersion];
  if (!client) return undefined;
  const calls = routeKey(client.op, client.op.route.path);
  const there = (direction === 'A' ? sides.newBound : sides.oldBound).get(calls);
  if (there !== undefined && there !== rpcName(client)) {
    return { affected: true, route: calls, reason: `${methodOf(client)} calls ${calls}, which ${serverName} binds to ${there}` };
  }
  if (!server) return { affected: true, route: calls, reason: `${methodOf(client)} calls ${calls}; ${serverName} has no ${rpcName(client)} at any route: 404` };
  if (routesOf(server.op).includes(calls)) {
    return { affected: false, route: calls, reason: `${methodOf(client)} calls ${calls}, which ${serverName} binds` };
  }
  const fallback = routeKey(server.op, server.op.route.path);
  const both = serverVersion ? ` (a client generated over both versions calls ${fallback} on etcd ${serverVersion})` : '';
  return { affected: true, route: calls, reason: `${methodOf(client)} calls ${calls}, which ${serverName} does not bind: 404${both}` };
}
