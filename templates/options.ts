/** How 64-bit integers come back: `bigint` (default) or decimal `string`. The one list of the modes. */
export const INT64_MODES = ['bigint', 'string'] as const;

export type Int64Mode = (typeof INT64_MODES)[number];

/** What a template needs to know beyond the model. */
export interface EmitOptions {
  /** How 64-bit integers come back: `bigint` (default) or decimal `string`. */
  readonly int64: Int64Mode;
  /** The name of the exported client factory (`createClient`). */
  readonly clientName: string;
}
