/** Comparing message shapes: the wire fields, their types and repetition (prose ignored). */
import { fieldTypeName } from '../../spec/kinds.js';
import type { ApiModel, Enum, Field, FieldType, Message } from '../../spec/model.js';
import type { CompareContext } from './context.js';
import type { Change } from './types.js';

export function typeText(type: FieldType, repeated = false): string {
  const base = fieldTypeName(type, false);
  return repeated ? `repeated ${base}` : base;
}

export const fieldTypeText = (f: Field): string => typeText(f.type, f.repeated);

/** The wire shape of a message: `name:type` per field, sorted. */
export function shapeOf(message: Message): string {
  return message.fields.map((f) => `${f.wireName}:${fieldTypeText(f)}`).sort().join(',');
}

export function findMessage(model: ApiModel, name: string): Message | undefined {
  return model.messages.find((m) => m.name === name);
}

/** Whether the old model's message `oldName` and the new model's `newName` look alike on the wire. */
export function sameShape(ctx: CompareContext, oldName: string, newName: string): boolean {
  const [o, n] = [findMessage(ctx.old, oldName), findMessage(ctx.new, newName)];
  return o !== undefined && n !== undefined && shapeOf(o) === shapeOf(n);
}

/** The spec's definition name of a message or enum (`etcdserverpbPutRequest`). */
export const definitionOf = (d: Message | Enum): string => d.definitions[0] ?? d.name;

/**
 * Old-only and new-only definitions with one and the same non-empty key (a message's wire shape, an enum's
 * values), matched one to one: renames. A key several of either side share matches nothing.
 */
export function matchRenames<T>(oldOnly: readonly T[], newOnly: readonly T[], key: (item: T) => string): Map<T, T> {
  const renames = new Map<T, T>();
  for (const o of oldOnly) {
    const k = key(o);
    if (k === '') continue;
    const candidates = newOnly.filter((n) => key(n) === k);
    const rivals = oldOnly.filter((x) => key(x) === k);
    if (candidates.length === 1 && rivals.length === 1) renames.set(o, candidates[0]!);
  }
  return renames;
}

/** A definition renamed with the same structure (fields, or values): source-level only, both ways INFO. */
export function renameChange(kind: 'message' | 'enum', o: Message | Enum, n: Message | Enum): Change {
  const [from, to] = [definitionOf(o), definitionOf(n)];
  const names = o.name === n.name ? `the generated type stays ${n.name}` : `the generated type ${o.name} becomes ${n.name}: code naming it must be updated`;
  const same = kind === 'message' ? 'the wire shape is the same' : 'the values are the same';
  const reason = `source-level only: ${same}; code naming the spec definition ${from} (another generator's types) must name ${to}; ${names}`;
  return {
    id: kind === 'message' ? 'message-renamed' : 'enum-renamed',
    level: { A: 'INFO', B: 'INFO' },
    reason: { A: reason, B: reason },
    ...(kind === 'message' ? { message: to } : { enum: to }),
    from,
    to,
    text: `${kind} renamed: ${from} → ${to} (same ${kind === 'message' ? 'fields' : 'values'})`,
  };
}

export interface Paired<T> {
  /** Renames: of the spec definition under one generated name, or to another name with the same key. */
  readonly renames: Change[];
  readonly added: T[];
  readonly removed: T[];
  /** Old and new of each generated name both sides have, to compare further. */
  readonly pairs: [T, T][];
}

/** Messages or enums of both sides, paired by generated name, with renames found by `key` (shape, values). */
export function pairDefinitions<T extends Message | Enum>(kind: 'message' | 'enum', olds: readonly T[], news: readonly T[], key: (item: T) => string): Paired<T> {
  const oldByName = new Map(olds.map((d) => [d.name, d]));
  const newByName = new Map(news.map((d) => [d.name, d]));
  const matched = matchRenames(olds.filter((d) => !newByName.has(d.name)), news.filter((d) => !oldByName.has(d.name)), key);
  const renamedTo = new Set(matched.values());
  const pairs = news.flatMap((n): [T, T][] => (oldByName.has(n.name) ? [[oldByName.get(n.name)!, n]] : []));
  return {
    renames: [...matched, ...pairs.filter(([o, n]) => definitionOf(o) !== definitionOf(n))].map(([o, n]) => renameChange(kind, o, n)),
    added: news.filter((n) => !oldByName.has(n.name) && !renamedTo.has(n)),
    removed: olds.filter((o) => !newByName.has(o.name) && !matched.has(o)),
    pairs,
  };
}
