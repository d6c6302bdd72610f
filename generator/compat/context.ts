/**
 * What every check needs to know about the two models: which messages and enums travel in requests and in
 * responses (and of which operations), and how to name each side's server in a reason.
 */
import type { ApiModel, Message, Operation } from '../../spec/model.js';
import { messagesByName, reachFrom } from '../../spec/walk.js';
import type { PrefixMode } from './types.js';

export interface Roles {
  /** Message or enum name → canonical routes of the operations whose requests reach it. */
  readonly request: ReadonlyMap<string, readonly string[]>;
  /** Message or enum name → canonical routes of the operations whose responses reach it. */
  readonly response: ReadonlyMap<string, readonly string[]>;
}

export interface CompareContext {
  readonly old: ApiModel;
  readonly new: ApiModel;
  readonly oldRoles: Roles;
  readonly newRoles: Roles;
  /** `etcd 3.4.45`, or `the old server` when the spec's version is unknown. */
  readonly oldServer: string;
  readonly newServer: string;
  readonly oldVersion: string | undefined;
  readonly newVersion: string | undefined;
  readonly prefixMode: PrefixMode;
}

export interface ContextOptions {
  readonly prefixMode?: PrefixMode;
  /** A live server standing on the new side (`compat --server`): its reported version judges prefixes and names it. */
  readonly newServerVersion?: string;
}

export function createContext(old: ApiModel, next: ApiModel, options: ContextOptions = {}): CompareContext {
  const oldVersion = singleVersion(old);
  const newVersion = options.newServerVersion ?? singleVersion(next);
  return {
    old,
    new: next,
    oldRoles: rolesOf(old),
    newRoles: rolesOf(next),
    oldServer: oldVersion ? `etcd ${oldVersion}` : 'the old server',
    newServer: newVersion ? `etcd ${newVersion}` : 'the new server',
    oldVersion,
    newVersion,
    prefixMode: options.prefixMode ?? 'spec',
  };
}

function singleVersion(model: ApiModel): string | undefined {
  return model.versions.length === 1 ? model.versions[0] : undefined;
}

/** `POST /kv/put`: how compat names an operation. */
export function operationKey(op: Operation): string {
  return `${op.route.httpMethod} ${op.route.path}`;
}

export function rolesOf(model: ApiModel): Roles {
  const messages = messagesByName(model.messages);
  const request = new Map<string, string[]>();
  const response = new Map<string, string[]>();
  for (const op of model.services.flatMap((s) => s.operations)) {
    for (const name of reach(messages, op.request)) request.set(name, [...(request.get(name) ?? []), operationKey(op)]);
    for (const name of reach(messages, op.response)) response.set(name, [...(response.get(name) ?? []), operationKey(op)]);
  }
  return { request, response };
}

/** Every message and enum name reachable from a message through its fields. */
function reach(messages: ReadonlyMap<string, Message>, root: string): Set<string> {
  const { messages: reached, enums } = reachFrom(messages, [root]);
  return new Set([...reached, ...enums]);
}

/** Where a message or enum travels, on either side: `request`, `response` or both. */
export function travels(ctx: CompareContext, name: string): { request: boolean; response: boolean; operations: string[] } {
  const request = [...(ctx.oldRoles.request.get(name) ?? []), ...(ctx.newRoles.request.get(name) ?? [])];
  const response = [...(ctx.oldRoles.response.get(name) ?? []), ...(ctx.newRoles.response.get(name) ?? [])];
  return { request: request.length > 0, response: response.length > 0, operations: [...new Set([...request, ...response])].sort() };
}

/** `(used by POST /kv/put, POST /kv/txn)`, shortened past a few operations. */
export function usedBy(operations: readonly string[]): string {
  if (operations.length === 0) return '';
  const shown = operations.slice(0, 3).join(', ');
  return ` (used by ${shown}${operations.length > 3 ? ` and ${operations.length - 3} more` : ''})`;
}
