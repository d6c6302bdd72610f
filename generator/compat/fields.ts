/**
 * Fields of a message both sides have: added, removed, or changed in type or format. Each is judged by
 * where the message travels: a request field one server does not know is silently ignored (the silent
 * risks), a response field one server does not send is read as its zero value.
 */
import { fieldTypeName, scalarInfo, type ScalarWire } from '../../spec/kinds.js';
import type { Field, Message } from '../../spec/model.js';
import { ignoredFieldConsequence } from '../../spec/risks.js';
import { travels, usedBy, type CompareContext } from './context.js';
import { definitionOf, fieldTypeText, sameShape } from './shapes.js';
import { maxLevel, type Change, type Level } from './types.js';

interface Verdict {
  readonly level: Level;
  readonly reason: string;
}

export function compareFields(ctx: CompareContext, o: Message, n: Message): Change[] {
  const role = travels(ctx, n.name);
  const oldFields = new Map(o.fields.map((f) => [f.wireName, f]));
  const newFields = new Map(n.fields.map((f) => [f.wireName, f]));
  const changes: Change[] = [];
  for (const f of n.fields) {
    const before = oldFields.get(f.wireName);
    if (!before) changes.push(fieldChange('field-added', n, f, role, added(ctx, n, f)));
    else if (fieldTypeText(before) !== fieldTypeText(f)) changes.push(typeChanged(ctx, n, before, f, role.operations));
  }
  for (const f of o.fields) if (!newFields.has(f.wireName)) changes.push(fieldChange('field-removed', n, f, role, removed(ctx, n, f)));
  return changes;
}

type Role = ReturnType<typeof travels>;
type Judge = { request: { A: Verdict; B: Verdict }; response: { A: Verdict; B: Verdict } };

/** The silent risk of a server that does not know a request field, in words. */
export function ignoredReason(server: string, message: string, field: string): string {
  const consequence = ignoredFieldConsequence(message, field) ?? 'the request is not honoured as asked';
  return `${server} ignores ${message}.${field} silently (HTTP 200): ${consequence}`;
}

function added(ctx: CompareContext, m: Message, f: Field): Judge {
  return {
    request: {
      A: { level: 'INFO', reason: 'old clients never send it: the server uses its zero value' },
      B: { level: 'WARN', reason: ignoredReason(ctx.oldServer, m.name, f.wireName) },
    },
    response: {
      A: { level: 'INFO', reason: 'old clients skip it: the generated decoder reads only the fields it knows' },
      B: { level: 'WARN', reason: `${ctx.oldServer} never sends it: new clients read its zero value` },
    },
  };
}

function removed(ctx: CompareContext, m: Message, f: Field): Judge {
  return {
    request: {
      A: { level: 'WARN', reason: ignoredReason(ctx.newServer, m.name, f.wireName) },
      B: { level: 'INFO', reason: 'new clients cannot set it' },
    },
    response: {
      A: { level: 'WARN', reason: `${ctx.newServer} never sends it: old clients read its zero value` },
      B: { level: 'INFO', reason: 'new clients do not read it' },
    },
  };
}

function fieldChange(id: 'field-added' | 'field-removed', m: Message, f: Field, role: Role, judge: Judge): Change {
  const verdicts = (d: 'A' | 'B'): Verdict[] => [...(role.request ? [judge.request[d]] : []), ...(role.response ? [judge.response[d]] : [])];
  const both = role.request && role.response;
  const combine = (d: 'A' | 'B'): Verdict => {
    const list = verdicts(d);
    if (list.length === 0) return { level: 'INFO', reason: 'no operation sends or returns this message' };
    const reason = both ? `in requests: ${list[0]!.reason}; in responses: ${list[1]!.reason}` : list[0]!.reason;
    return { level: maxLevel(...list.map((v) => v.level)), reason };
  };
  const [a, b] = [combine('A'), combine('B')];
  const where = both ? 'request and response field' : role.request ? 'request field' : role.response ? 'response field' : 'field';
  return {
    id,
    level: { A: a.level, B: b.level },
    reason: { A: a.reason, B: b.reason },
    message: definitionOf(m),
    field: f.wireName,
    text: `${where} ${id === 'field-added' ? 'added' : 'removed'}: ${m.name}.${f.wireName} (${fieldTypeText(f)})${usedBy(role.operations)}`,
  };
}

const WIRE_TEXT = { base64: 'base64 string', string: 'string', bool: 'boolean', decimal: 'decimal string', number: 'number' } as const satisfies Record<ScalarWire, string>;

/** How a type travels as JSON: two types of one class are the same on the wire. */
function wireClass(f: Field): string {
  const t = f.type;
  const base = t.kind === 'scalar' ? WIRE_TEXT[scalarInfo(t.scalar).wire] : fieldTypeName(t, true);
  return f.repeated ? `array of ${base}` : base;
}

function typeChanged(ctx: CompareContext, m: Message, before: Field, after: Field, operations: readonly string[]): Change {
  const [from, to] = [wireClass(before), wireClass(after)];
  const renamedMessage =
    before.type.kind === 'message' && after.type.kind === 'message' && before.repeated === after.repeated && sameShape(ctx, before.type.name, after.type.name);
  const same = from === to || renamedMessage;
  // A representation change breaks both ways: a value one side encodes does not decode as the same value on the
  // other (plain text read as base64, base64 stored as text), whichever side is newer.
  const reason = same
    ? `both encode it as ${from} on the wire: only the spec's type name changed`
    : `it travels as ${from} on one side and ${to} on the other: a value one side encodes is not the value the other decodes (or is rejected)`;
  const level: Level = same ? 'INFO' : 'ERR';
  return {
    id: 'field-type-changed',
    level: { A: level, B: level },
    reason: { A: reason, B: reason },
    message: definitionOf(m),
    field: after.wireName,
    from: fieldTypeText(before),
    to: fieldTypeText(after),
    text: `field type changed: ${m.name}.${after.wireName} ${fieldTypeText(before)} → ${fieldTypeText(after)}${usedBy(operations)}`,
  };
}
