/** Walks over the model's type graph, shared by the templates (usage, version table) and compat (roles). */
import type { Message } from './model.js';

export interface Reached {
  /** The roots and every message reachable from them through message fields. */
  readonly messages: Set<string>;
  /** The enums the fields of those messages name. */
  readonly enums: Set<string>;
}

/** Every message reachable from `roots` (message names) through fields, and the enums on the way. */
export function reachFrom(byName: ReadonlyMap<string, Message>, roots: readonly string[]): Reached {
  const messages = new Set<string>();
  const enums = new Set<string>();
  const queue = [...roots];
  for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
    if (messages.has(name)) continue;
    messages.add(name);
    for (const field of byName.get(name)?.fields ?? []) {
      if (field.type.kind === 'message') queue.push(field.type.name);
      if (field.type.kind === 'enum') enums.add(field.type.name);
    }
  }
  return { messages, enums };
}

/** Messages by name. */
export function messagesByName(messages: readonly Message[]): Map<string, Message> {
  return new Map(messages.map((m) => [m.name, m]));
}
