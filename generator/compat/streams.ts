/**
 * Streams and error bodies: how a spec describes a stream's messages (bare, `x-stream-definitions`,
 * `{result, error}` envelope), and which fields its unary and in-stream error bodies have.
 */
import type { ApiModel, ErrorBody, Operation } from '../../spec/model.js';
import { operationKey, type CompareContext } from './context.js';
import type { Change, Level } from './types.js';

const FRAMING =
  'grpc-gateway frames every stream message as {"result": …} whatever the spec says (etcd 3.4.23 measured), and the generated runtime reads that framing';

export function streamEnvelopeChange(key: string, o: Operation, n: Operation): Change | undefined {
  if (!o.responseStreaming || !n.responseStreaming || o.streamStyle === n.streamStyle) return undefined;
  const [from, to] = [o.streamStyle ?? 'bare', n.streamStyle ?? 'bare'];
  const reason = `only the spec's description changed (${from} → ${to}); ${FRAMING}`;
  return {
    id: 'stream-envelope-changed',
    level: { A: 'INFO', B: 'INFO' },
    reason: { A: reason, B: reason },
    operation: key,
    from,
    to,
    text: `stream description of ${key}: ${from} → ${to}`,
  };
}

type Kind = 'unary' | 'stream';

/** One change per distinct (kind, old definition, new definition), naming how many operations it affects. */
export function compareErrorBodies(ctx: CompareContext): Change[] {
  const newOps = new Map(ctx.new.services.flatMap((s) => s.operations.map((op) => [operationKey(op), op] as const)));
  const groups = new Map<string, { kind: Kind; from?: string; to?: string; operations: string[] }>();
  for (const o of ctx.old.services.flatMap((s) => s.operations)) {
    const n = newOps.get(operationKey(o));
    if (!n) continue;
    for (const [kind, from, to] of [['unary', o.errorBody, n.errorBody], ['stream', o.streamErrorBody, n.streamErrorBody]] as const) {
      if (from === to || (kind === 'stream' && !(o.responseStreaming && n.responseStreaming))) continue;
      const key = `${kind}\u0000${from ?? ''}\u0000${to ?? ''}`;
      const group = groups.get(key) ?? { kind, ...(from ? { from } : {}), ...(to ? { to } : {}), operations: [] };
      group.operations.push(operationKey(o));
      groups.set(key, group);
    }
  }
  return [...groups.values()].map((g) => errorBodyChange(ctx, g.kind, g.from, g.to, g.operations));
}

function errorBodyChange(ctx: CompareContext, kind: Kind, from: string | undefined, to: string | undefined, operations: readonly string[]): Change {
  const oldFields = fieldsOf(ctx.old, from);
  const newFields = fieldsOf(ctx.new, to);
  const a = judge(oldFields, newFields, ctx.newServer);
  const b = judge(newFields, oldFields, ctx.oldServer);
  const what = kind === 'unary' ? 'error body' : 'in-stream error';
  const many = operations.length === 1 ? operations[0]! : `${operations.length} operations`;
  return {
    id: 'error-body-changed',
    level: { A: a.level, B: b.level },
    reason: { A: a.reason, B: b.reason },
    ...(operations.length === 1 ? { operation: operations[0]! } : {}),
    from: describe(from, oldFields),
    to: describe(to, newFields),
    text: `${what} of ${many}: ${describe(from, oldFields)} → ${describe(to, newFields)}`,
  };
}

/** A client that expects `expected` fields, reading what `server` sends (`sent`). */
function judge(expected: readonly string[] | undefined, sent: readonly string[] | undefined, server: string): { level: Level; reason: string } {
  if (expected === undefined) return { level: 'INFO', reason: 'this client\'s spec does not describe the body: it expects nothing in particular' };
  if (sent === undefined) return { level: 'INFO', reason: `the spec of ${server} does not describe the body: there is nothing to compare` };
  const missing = expected.filter((f) => !sent.includes(f));
  if (missing.length === 0) return { level: 'INFO', reason: `${server} sends every field this client's spec describes` };
  return {
    level: 'WARN',
    reason: `${server} does not send ${missing.map((f) => `\`${f}\``).join(', ')}: error handling that reads ${missing.length > 1 ? 'them' : 'it'} gets nothing (the generated runtime reads grpc-gateway v1 and v2 bodies alike)`,
  };
}

function fieldsOf(model: ApiModel, definition: string | undefined): readonly string[] | undefined {
  if (definition === undefined) return undefined;
  return model.errorBodies?.find((b: ErrorBody) => b.definition === definition)?.fields ?? [];
}

function describe(definition: string | undefined, fields: readonly string[] | undefined): string {
  return definition === undefined ? '(not described)' : `${definition} {${(fields ?? []).join(', ')}}`;
}
