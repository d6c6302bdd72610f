/**
 * Which messages the client sends (input form) and which it returns (decoded form), and the names of both.
 *
 * A message the client returns is the interface `M` (decoded: bigint, Uint8Array, zero values filled in).
 * A message the client sends is `MInput` (every field optional, wide input types); when the client never
 * returns it, `M` is an alias of `MInput` so that `PutRequest` reads as what you pass.
 */
import type { ApiModel, Message } from '../spec/model.js';

export interface Usage {
  /** Messages reachable from a request. */
  readonly input: ReadonlySet<string>;
  /** Messages reachable from a response. */
  readonly output: ReadonlySet<string>;
  /** Enums reachable from a response (their value lists are needed to decode numbers). */
  readonly outputEnums: ReadonlySet<string>;
}

export function computeUsage(model: ApiModel): Usage {
  const byName = new Map(model.messages.map((m) => [m.name, m]));
  const operations = model.services.flatMap((s) => s.operations);
  const outputEnums = new Set<string>();
  const output = reach(byName, operations.map((o) => o.response), outputEnums);
  return { input: reach(byName, operations.map((o) => o.request), new Set()), output, outputEnums };
}

function reach(byName: ReadonlyMap<string, Message>, roots: readonly string[], enums: Set<string>): Set<string> {
  const seen = new Set<string>();
  const queue = [...roots];
  for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
    if (seen.has(name)) continue;
    seen.add(name);
    for (const field of byName.get(name)?.fields ?? []) {
      if (field.type.kind === 'message') queue.push(field.type.name);
      if (field.type.kind === 'enum') enums.add(field.type.name);
    }
  }
  return seen;
}

export const inputTypeName = (message: string): string => `${message}Input`;
export const encoderName = (message: string): string => `encode${message}`;
export const decoderName = (message: string): string => `decode${message}`;
export const enumValuesName = (enumName: string): string => `${enumName}Values`;
