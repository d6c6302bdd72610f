/**
 * The error bodies operations declare (the `default` response, and a stream envelope's `error`): which wire
 * fields each definition has, so that compat can tell grpc-gateway v1's `{error, code, message}` from v2's
 * `{code, message, details}` without knowing the definition names.
 */
import type { ErrorBody } from './model.js';
import { compareText } from './order.js';
import type { RawOperation } from './operations.js';

export function buildErrorBodies(operations: readonly RawOperation[]): ErrorBody[] {
  const fields = new Map<string, Set<string>>();
  for (const op of operations) {
    for (const name of [op.errorBody, op.streamErrorBody]) {
      if (name === undefined) continue;
      const schema = op.spec.doc.definitions?.[name] as { properties?: Record<string, unknown> } | undefined;
      const known = fields.get(name) ?? new Set<string>();
      for (const field of Object.keys(schema?.properties ?? {})) known.add(field);
      fields.set(name, known);
    }
  }
  return [...fields.entries()]
    .sort(([a], [b]) => compareText(a, b))
    .map(([definition, known]) => ({ definition, fields: [...known].sort(compareText) }));
}
