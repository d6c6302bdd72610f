/**
 * Which messages the client sends (input form) and which it returns (decoded form), and the names of both.
 *
 * A message the client returns is the interface `M` (decoded: bigint, Uint8Array, zero values filled in).
 * A message the client sends is `MInput` (every field optional, wide input types); when the client never
 * returns it, `M` is an alias of `MInput` so that `PutRequest` reads as what you pass.
 */
import type { ApiModel } from '../spec/model.js';
import { messagesByName, reachFrom } from '../spec/walk.js';

export interface Usage {
  /** Messages reachable from a request. */
  readonly input: ReadonlySet<string>;
  /** Messages reachable from a response. */
  readonly output: ReadonlySet<string>;
  /** Enums reachable from a response (their value lists are needed to decode numbers). */
  readonly outputEnums: ReadonlySet<string>;
}

export function computeUsage(model: ApiModel): Usage {
  const byName = messagesByName(model.messages);
  const operations = model.services.flatMap((s) => s.operations);
  const output = reachFrom(byName, operations.map((o) => o.response));
  return { input: reachFrom(byName, operations.map((o) => o.request)).messages, output: output.messages, outputEnums: output.enums };
}

export const inputTypeName = (message: string): string => `${message}Input`;
export const encoderName = (message: string): string => `encode${message}`;
export const decoderName = (message: string): string => `decode${message}`;
export const enumValuesName = (enumName: string): string => `${enumName}Values`;
