/**
 * Messages: added, removed, renamed with the same shape (a new generated type name, the same wire), and the
 * fields of those both sides have.
 */
import type { Message } from '../../spec/model.js';
import { travels, usedBy, type CompareContext } from './context.js';
import { compareFields } from './fields.js';
import { definitionOf, pairDefinitions, shapeOf } from './shapes.js';
import type { Change } from './types.js';

export function compareMessages(ctx: CompareContext): Change[] {
  const { renames, added, removed, pairs } = pairDefinitions('message', ctx.old.messages, ctx.new.messages, shapeOf);
  return [
    ...renames,
    ...removed.map((o) => addedOrRemoved(ctx, 'message-removed', o)),
    ...added.map((n) => addedOrRemoved(ctx, 'message-added', n)),
    ...pairs.flatMap(([o, n]) => compareFields(ctx, o, n)),
  ];
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
