/**
 * The field kinds of the model, in one table: how each protobuf scalar travels in the gateway's JSON. Emitters,
 * codecs and compat read `SCALAR_KINDS[kind].wire` and switch over `ScalarWire` and `FieldType['kind']` without a
 * `default:` branch, ending in `unreachable`: a new kind without a row here, or a new wire form or field kind
 * without a branch, is a compile error at every place that must handle it.
 */
import type { FieldType, ScalarKind } from './model.js';

/** How a scalar is written on the wire. */
export type ScalarWire =
  /** a base64 string (protobuf bytes) */
  | 'base64'
  | 'string'
  | 'bool'
  /** a decimal string: 64 bits, never through a JS number */
  | 'decimal'
  /** a JSON number */
  | 'number';

export interface ScalarInfo {
  readonly wire: ScalarWire;
  /** A 64-bit integer that is never negative (uint64). */
  readonly unsigned?: true;
}

export const SCALAR_KINDS = {
  bytes: { wire: 'base64' },
  string: { wire: 'string' },
  bool: { wire: 'bool' },
  int64: { wire: 'decimal' },
  uint64: { wire: 'decimal', unsigned: true },
  int32: { wire: 'number' },
  uint32: { wire: 'number' },
  integer: { wire: 'number' },
  double: { wire: 'number' },
  float: { wire: 'number' },
} as const satisfies Record<ScalarKind, ScalarInfo>;

export const scalarInfo = (kind: ScalarKind): ScalarInfo => SCALAR_KINDS[kind];

/** The last line of an exhaustive switch: TypeScript rejects the call when a case is missing. */
export function unreachable(value: never, what: string): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}

/** A field type as text: the scalar kind, `json`, or the message or enum name (`qualified` puts the kind before it). */
export function fieldTypeName(type: FieldType, qualified: boolean): string {
  switch (type.kind) {
    case 'scalar':
      return type.scalar;
    case 'json':
      return 'json';
    case 'enum':
    case 'message':
      return qualified ? `${type.kind} ${type.name}` : type.name;
    default:
      return unreachable(type, 'field kind');
  }
}
