/**
 * Enums and their values. An unknown enum name in a request is a 400 (INVALID_ARGUMENT) from the gateway;
 * an unknown one in a response reaches the caller as a value its types do not list.
 */
import type { Enum } from '../../spec/model.js';
import { travels, usedBy, type CompareContext } from './context.js';
import { definitionOf, pairDefinitions } from './shapes.js';
import { maxLevel, type Change, type Level } from './types.js';

export function compareEnums(ctx: CompareContext): Change[] {
  const valuesOf = (e: Enum): string => e.values.map((v) => v.name).sort().join(',');
  const { renames, added, removed, pairs } = pairDefinitions('enum', ctx.old.enums, ctx.new.enums, valuesOf);
  const changes: Change[] = [...renames, ...removed.map((o) => wholeEnum(ctx, 'enum-removed', o)), ...added.map((n) => wholeEnum(ctx, 'enum-added', n))];
  for (const [o, n] of pairs) {
    const [before, after] = [new Set(o.values.map((v) => v.name)), new Set(n.values.map((v) => v.name))];
    for (const v of after) if (!before.has(v)) changes.push(valueChange(ctx, 'enum-value-added', n, v));
    for (const v of before) if (!after.has(v)) changes.push(valueChange(ctx, 'enum-value-removed', n, v));
  }
  return changes;
}

function wholeEnum(ctx: CompareContext, id: 'enum-added' | 'enum-removed', e: Enum): Change {
  const reason = 'the fields that use it are reported on their own';
  return {
    id,
    level: { A: 'INFO', B: 'INFO' },
    reason: { A: reason, B: reason },
    enum: definitionOf(e),
    text: `enum ${id === 'enum-added' ? 'added' : 'removed'}: ${e.name}${usedBy(travels(ctx, e.name).operations)}`,
  };
}

interface Verdict {
  readonly level: Level;
  readonly reason: string;
}

/** A value one side knows and the other does not: `knows` is the side with the value. */
function valueChange(ctx: CompareContext, id: 'enum-value-added' | 'enum-value-removed', e: Enum, value: string): Change {
  const role = travels(ctx, e.name);
  const added = id === 'enum-value-added';
  const withoutIt = added ? ctx.oldServer : ctx.newServer;
  const rejects: Verdict = { level: 'WARN', reason: `${withoutIt} does not know ${value}: a request that sends it is rejected with 400 (INVALID_ARGUMENT)` };
  const surprises: Verdict = { level: 'WARN', reason: `${added ? ctx.newServer : ctx.oldServer} may send ${value}, which this client's types do not list` };
  const fine: Verdict = { level: 'INFO', reason: added ? 'old clients never send it' : 'new clients never send it' };
  const known: Verdict = { level: 'INFO', reason: 'every value the server sends is known to this client' };
  // Direction of the client that has the value and talks to a server without it, and the reverse.
  const [hasIt, lacksIt] = added ? (['B', 'A'] as const) : (['A', 'B'] as const);
  const verdicts: Record<'A' | 'B', Verdict[]> = { A: [], B: [] };
  if (role.request) {
    verdicts[hasIt].push(rejects);
    verdicts[lacksIt].push(fine);
  }
  if (role.response) {
    verdicts[lacksIt].push(surprises);
    verdicts[hasIt].push(known);
  }
  const combine = (list: Verdict[]): Verdict =>
    list.length === 0 ? { level: 'INFO', reason: 'no operation sends or returns it' } : { level: maxLevel(...list.map((v) => v.level)), reason: list.map((v) => v.reason).join('; ') };
  const [a, b] = [combine(verdicts.A), combine(verdicts.B)];
  return {
    id,
    level: { A: a.level, B: b.level },
    reason: { A: a.reason, B: b.reason },
    enum: definitionOf(e),
    value,
    text: `enum value ${added ? 'added' : 'removed'}: ${e.name}.${value}${usedBy(role.operations)}`,
  };
}
