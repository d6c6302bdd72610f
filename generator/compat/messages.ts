/**
 * Messages: added, removed, renamed with the same shape (a new generated type name, the same wire), and the
 * fields of those both sides have.
 */
import type { Message } from '../../spec/model.js';
import { travels, usedBy, type CompareContext } from './context.js';
import { compareFields } from './fields.js';
import { definitionOf, matchRenames, renameChange, shapeOf } from './shapes.js';
import type { Change } from './types.js';

export function compareMessages(ctx: CompareContext): Change[] {
  const oldByName = new Map(ctx.old.messages.map((m) => [m.name, m]));
  const newByName = new Map(ctx.new.messages.map((m) => [m.name, m]));
  const oldOnly = ctx.old.messages.filter((m) => !newByName.has(m.name));
  const newOnly = ctx.new.messages.filter((m) => !oldByName.has(m.name));
  const renames = matchRenames(oldOnly, newOnly, shapeOf);
  const changes: Change[] = [];
  for (const [o, n] of renames) changes.push(renameChange('message', o, n));
  for (const o of oldOnly) if (!renames.has(o)) changes.push(addedOrRemoved(ctx, 'message-removed', o));
  const renamedTo = new Set(renames.values());
  for (const n of newOnly) if (!renamedTo.has(n)) changes.push(addedOrRemoved(ctx, 'message-added', n));
  for (const n of ctx.new.messages) {
    const o = oldByName.get(n.name);
    if (!o) continue;
    if (definitionOf(o) !== definitionOf(n)) changes.push(renameChange('message', o, n));
    changes.push(...compareFields(ctx, o, n));
  }
  return changes;
}

function addedOrRemoved(ctx: CompareContext, id: 'message-added' | 'message-removed', m: Message): Change {
  const reason = 'the operations and fields that use it are reported on their own';
  return {
    id,
    level: { A: 'INFO', B: 'INFO' },
    reason: { A: reason, B: reason },
    message: definitionOf(m),
    text: `message ${id === 'message-added' ? 'added' : 'removed'}: ${m.name}${usedBy(travels(ctx, m.name).operations)}`,
  };
}
