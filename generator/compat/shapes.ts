/** Comparing message shapes: the wire fields, their types and repetition (prose ignored). */
import type { ApiModel, Field, FieldType, Message } from '../../spec/model.js';
import type { CompareContext } from './context.js';

export function typeText(type: FieldType, repeated = false): string {
  const base = type.kind === 'scalar' ? type.scalar : type.kind === 'json' ? 'json' : type.name;
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
