/**
 * Definitions: which ones the operations reach, what kind each is (message, enum, free-form JSON), and the
 * type of every property. A definition is addressed by its spec and name: the same name in two files may
 * or may not be the same message (names.ts decides).
 */
import type { OpenAPIV2 } from 'openapi-types';
import { jsonPointer, SpecError } from './errors.js';
import type { LoadedSpec } from './load.js';
import type { ScalarKind } from './model.js';

export interface DefinitionRef {
  readonly spec: LoadedSpec;
  readonly name: string;
}

export type DefinitionKind = 'message' | 'enum' | 'json';

/** A property's type before definitions are given their model names. */
export type RawType =
  | { readonly kind: 'scalar'; readonly scalar: ScalarKind }
  | { readonly kind: 'ref'; readonly target: DefinitionRef }
  | { readonly kind: 'json' };

export interface RawField {
  readonly wireName: string;
  readonly type: RawType;
  readonly repeated: boolean;
  readonly description: string | undefined;
}

type Schema = OpenAPIV2.SchemaObject & { $ref?: string };

export function definitionSchema(ref: DefinitionRef): Schema {
  return ref.spec.doc.definitions![ref.name] as Schema;
}

export function definitionKind(ref: DefinitionRef): DefinitionKind {
  const schema = definitionSchema(ref);
  if (Array.isArray(schema.enum)) return 'enum';
  if (schema.additionalProperties !== undefined && schema.additionalProperties !== false) return 'json';
  if (schema.type === undefined || schema.type === 'object' || schema.properties) return 'message';
  throw new SpecError(ref.spec.file, jsonPointer('definitions', ref.name), `unsupported: a definition of type ${JSON.stringify(schema.type)} without enum`);
}

export function definitionKey(ref: DefinitionRef): string {
  return `${ref.spec.file}\u0000${ref.name}`;
}

/** Every definition reachable from the given roots through message properties, roots first. */
export function reachableDefinitions(roots: readonly DefinitionRef[]): DefinitionRef[] {
  const seen = new Map<string, DefinitionRef>();
  const queue = [...roots];
  for (let ref = queue.shift(); ref; ref = queue.shift()) {
    const key = definitionKey(ref);
    if (seen.has(key)) continue;
    seen.set(key, ref);
    if (definitionKind(ref) !== 'message') continue;
    for (const field of readFields(ref)) if (field.type.kind === 'ref') queue.push(field.type.target);
  }
  return [...seen.values()];
}

/** The properties of a message definition, in declaration order. */
export function readFields(ref: DefinitionRef): RawField[] {
  const props = definitionSchema(ref).properties ?? {};
  return Object.entries(props).map(([wireName, schema]) => {
    const pointer = jsonPointer('definitions', ref.name, 'properties', wireName);
    return { wireName, ...readPropertyType(ref.spec, pointer, schema as Schema), description: (schema as Schema).description };
  });
}

function readPropertyType(spec: LoadedSpec, pointer: string, schema: Schema): { type: RawType; repeated: boolean } {
  if (schema.$ref === undefined && schema.type === 'array') {
    const items = schema.items as Schema | undefined;
    if (!items) throw new SpecError(spec.file, pointer, 'unsupported: an array without items');
    if (items.$ref === undefined && items.type === 'array') throw new SpecError(spec.file, `${pointer}/items`, 'unsupported: an array of arrays');
    return { type: readType(spec, `${pointer}/items`, items), repeated: true };
  }
  return { type: readType(spec, pointer, schema), repeated: false };
}

function readType(spec: LoadedSpec, pointer: string, schema: Schema): RawType {
  if (schema.$ref !== undefined) return { kind: 'ref', target: resolveRef(spec, pointer, schema.$ref) };
  for (const keyword of ['allOf', 'oneOf', 'anyOf'] as const) {
    if (keyword in schema) throw new SpecError(spec.file, `${pointer}/${keyword}`, `unsupported: ${keyword} (etcd's specs describe protobuf messages, which have none)`);
  }
  if (Array.isArray(schema.enum)) throw new SpecError(spec.file, `${pointer}/enum`, 'unsupported: an inline enum; enums must be definitions');
  const scalar = scalarKind(schema);
  if (scalar) return { kind: 'scalar', scalar };
  if (schema.type === undefined || schema.type === 'object') {
    if (schema.properties && Object.keys(schema.properties).length > 0) {
      throw new SpecError(spec.file, pointer, 'unsupported: an inline object with properties; messages must be definitions');
    }
    return { kind: 'json' };
  }
  throw new SpecError(spec.file, `${pointer}/type`, `unsupported type ${JSON.stringify(schema.type)}${schema.format ? ` (format ${JSON.stringify(schema.format)})` : ''}`);
}

/** How grpc-gateway writes protobuf scalars: 64-bit integers as strings, bytes as base64 strings. */
function scalarKind(schema: Schema): ScalarKind | undefined {
  const format = schema.format;
  switch (schema.type) {
    case 'string':
      if (format === 'byte') return 'bytes';
      if (format === 'int64') return 'int64';
      if (format === 'uint64') return 'uint64';
      return 'string';
    case 'boolean':
      return 'bool';
    case 'integer':
      return format === 'int32' ? 'int32' : format === 'uint32' ? 'uint32' : 'integer';
    case 'number':
      return format === 'float' ? 'float' : 'double';
    default:
      return undefined;
  }
}

function resolveRef(spec: LoadedSpec, pointer: string, ref: string): DefinitionRef {
  if (!ref.startsWith('#/definitions/')) {
    throw new SpecError(spec.file, `${pointer}/$ref`, `unsupported $ref ${JSON.stringify(ref)}: only #/definitions/… in the same file`);
  }
  const name = decodeURIComponent(ref.slice('#/definitions/'.length)).replace(/~1/g, '/').replace(/~0/g, '~');
  if (!spec.doc.definitions?.[name]) throw new SpecError(spec.file, `${pointer}/$ref`, `$ref to nothing: ${ref} does not exist`);
  return { spec, name };
}
