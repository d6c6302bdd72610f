/** What a template needs to know beyond the model. */
export interface EmitOptions {
  /** How 64-bit integers come back: `bigint` (default) or decimal `string`. */
  readonly int64: 'bigint' | 'string';
  /** The name of the exported client factory (`createClient`). */
  readonly clientName: string;
}
