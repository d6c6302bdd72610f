/**
 * Merging messages and enums of several etcd versions: the union of fields and values, each marked with the
 * versions that have it when not every version of its message or enum does.
 */
import { compareText } from './order.js';
import { fieldTypeName } from './kinds.js';
import type { ApiModel, Enum, EnumValue, Field, Message } from './model.js';

/** One version's copy of something, and the versions it stands for. */
export interface Versioned<T> {
  readonly item: T;
  readonly versions: readonly string[];
}

/** The versions of `model` that have `item`: its own list when it carries one, else all of the model's. */
export function presence(item: { readonly versions?: readonly string[] }, model: ApiModel): readonly string[] {
  return item.versions ?? model.versions;
}

/** `present` in the order of `all`, or undefined when it is all of them. */
export function versionsUnlessAll(present: readonly string[], all: readonly string[]): string[] | undefined {
  const have = new Set(present);
  const ordered = all.filter((v) => have.has(v));
  return ordered.length === all.length ? undefined : ordered;
}

/** Every copy of each named thing across the models, oldest first. */
function history<T extends { readonly name: string; readonly versions?: readonly string[] }>(
  models: readonly ApiModel[],
  pick: (m: ApiModel) => readonly T[],
): Map<string, Versioned<T>[]> {
  const byName = new Map<string, Versioned<T>[]>();
  for (const model of models) {
    for (const item of pick(model)) byName.set(item.name, [...(byName.get(item.name) ?? []), { item, versions: presence(item, model) }]);
  }
  return new Map([...byName.entries()].sort(([a], [b]) => compareText(a, b)));
}

export function mergeMessages(models: readonly ApiModel[], all: readonly string[], notes: string[]): Message[] {
  return [...history(models, (m) => m.messages).entries()].map(([name, copies]) => {
    const latest = copies[copies.length - 1]!.item;
    const present = copies.flatMap((c) => c.versions);
    const versions = versionsUnlessAll(present, all);
    const { versions: _ignored, ...rest } = latest;
    return {
      ...rest,
      definitions: [...new Set(copies.flatMap((c) => c.item.definitions))].sort(compareText),
      fields: mergeFields(name, copies, present, notes),
      ...(versions ? { versions } : {}),
    };
  });
}

/** The newest version's fields in its order, then fields only older versions have (newest first). */
function mergeFields(message: string, copies: readonly Versioned<Message>[], present: readonly string[], notes: string[]): Field[] {
  const byWire = new Map<string, Versioned<Field>[]>();
  for (const copy of [...copies].reverse()) {
    for (const field of copy.item.fields) {
      const versions = field.versions ?? copy.versions;
      byWire.set(field.wireName, [...(byWire.get(field.wireName) ?? []), { item: field, versions }]);
    }
  }
  return [...byWire.entries()].map(([wireName, newestFirst]) => {
    const latest = newestFirst[0]!.item;
    const otherTypes = newestFirst.filter((c) => typeText(c.item) !== typeText(latest));
    if (otherTypes.length) {
      const older = otherTypes.map((c) => `${typeText(c.item)} in etcd ${c.versions.join(', ')}`).reverse().join(', ');
      notes.push(`${message}.${wireName} is ${older}, ${typeText(latest)} in etcd ${newestFirst[0]!.versions.join(', ')}: the newest type is used`);
    }
    const versions = versionsUnlessAll(newestFirst.flatMap((c) => c.versions), present);
    const { versions: _ignored, ...rest } = latest;
    return { ...rest, ...(versions ? { versions } : {}) };
  });
}

function typeText(field: Field): string {
  const base = fieldTypeName(field.type, true);
  return field.repeated ? `repeated ${base}` : base;
}

export function mergeEnums(models: readonly ApiModel[], all: readonly string[], notes: string[]): Enum[] {
  return [...history(models, (m) => m.enums).entries()].map(([name, copies]) => {
    const latest = copies[copies.length - 1]!.item;
    const present = copies.flatMap((c) => c.versions);
    for (const older of copies.slice(0, -1)) {
      if (older.item.zero !== latest.zero) notes.push(`enum ${name}: zero value ${older.item.zero} in etcd ${older.versions.join(', ')}, ${latest.zero} in the newest; the newest is used`);
    }
    const versions = versionsUnlessAll(present, all);
    const { versions: _ignored, ...rest } = latest;
    return {
      ...rest,
      definitions: [...new Set(copies.flatMap((c) => c.item.definitions))].sort(compareText),
      values: mergeValues(copies, present),
      ...(versions ? { versions } : {}),
    };
  });
}

function mergeValues(copies: readonly Versioned<Enum>[], present: readonly string[]): EnumValue[] {
  const byName = new Map<string, string[]>();
  for (const copy of [...copies].reverse()) {
    for (const value of copy.item.values) byName.set(value.name, [...(byName.get(value.name) ?? []), ...(value.versions ?? copy.versions)]);
  }
  return [...byName.entries()].map(([name, have]) => {
    const versions = versionsUnlessAll(have, present);
    return versions ? { name, versions } : { name };
  });
}
