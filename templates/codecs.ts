/**
 * emitCodecs: per message an encoder (input form → wire JSON with proto names) and a decoder (wire JSON →
 * decoded form, zero values filled in). Straight-line code, no reflection at run time.
 */
import { StructureKind, type FunctionDeclarationStructure, type StatementStructures, type VariableStatementStructure, VariableDeclarationKind, type WriterFunction } from 'ts-morph';
import { scalarInfo, unreachable } from '../spec/kinds.js';
import type { ApiModel, Enum, Field, FieldType, Message, ScalarKind } from '../spec/model.js';
import type { Imports } from './imports.js';
import { RUNTIME } from './runtime-manifest.js';
import type { EmitOptions } from './options.js';
import { literalKey, needsOwn, readProperty, stringLiteral, writeProperty } from './syntax.js';
import { decoderName, encoderName, enumValuesName, inputTypeName, type Usage } from './usage.js';

export function emitCodecs(model: ApiModel, usage: Usage, options: EmitOptions, imports: Imports): StatementStructures[] {
  const enums = new Map(model.enums.map((e) => [e.name, e]));
  const statements: StatementStructures[] = model.enums.filter((e) => usage.outputEnums.has(e.name)).map((e) => enumValues(e, imports));
  for (const m of model.messages) {
    if (usage.input.has(m.name)) statements.push(encoder(m, imports));
    if (usage.output.has(m.name)) statements.push(decoder(m, enums, options, imports));
  }
  return statements;
}

function enumValues(e: Enum, imports: Imports): VariableStatementStructure {
  imports.type('./models.js', e.name);
  return {
    kind: StructureKind.VariableStatement,
    declarationKind: VariableDeclarationKind.Const,
    declarations: [{ name: enumValuesName(e.name), type: `readonly ${e.name}[]`, initializer: `[${e.values.map((v) => stringLiteral(v.name)).join(', ')}]` }],
  };
}

function encoder(m: Message, imports: Imports): FunctionDeclarationStructure {
  const input = imports.type('./models.js', inputTypeName(m.name));
  const wire = imports.type(RUNTIME.codec, 'Wire');
  if (m.fields.some((f) => needsOwn(f.name) || needsOwn(f.wireName))) {
    imports.value(RUNTIME.codec, 'own');
    imports.value(RUNTIME.codec, 'setOwn');
  }
  const body: WriterFunction = (w) => {
    w.writeLine(`const wire: ${wire} = {};`);
    for (const f of m.fields) {
      const value = needsOwn(f.name) ? local(f) : readProperty('message', f.name);
      if (needsOwn(f.name)) w.writeLine(`const ${value} = ${readProperty('message', f.name)} as ${input}[${stringLiteral(f.name)}];`);
      w.writeLine(`if (${value} !== undefined) ${writeProperty('wire', f.wireName, encodeValue(f, value, imports))}`);
    }
    w.writeLine('return wire;');
  };
  return {
    kind: StructureKind.Function,
    name: encoderName(m.name),
    isExported: true,
    parameters: [{ name: m.fields.length ? 'message' : '_message', type: input }],
    returnType: wire,
    statements: m.fields.length ? [body] : [`return {};`],
  };
}

function local(f: Field): string {
  return `v_${f.name.replace(/[^A-Za-z0-9_$]/g, '_')}`;
}

function encodeValue(f: Field, value: string, imports: Imports): string {
  const one = (v: string) => encodeScalarOrMessage(f.type, v, imports);
  if (!f.repeated) return one(value);
  const mapped = one('item');
  return mapped === 'item' ? `[...${value}]` : `${value}.map((item) => ${mapped})`;
}

function encodeScalarOrMessage(t: FieldType, v: string, imports: Imports): string {
  switch (t.kind) {
    case 'message':
      return `${encoderName(t.name)}(${v})`;
    case 'enum':
    case 'json':
      return v;
    case 'scalar':
      return encodeScalar(t.scalar, v, imports);
    default:
      return unreachable(t, 'field kind');
  }
}

function encodeScalar(scalar: ScalarKind, v: string, imports: Imports): string {
  const info = scalarInfo(scalar);
  switch (info.wire) {
    case 'base64':
      return `${imports.value(RUNTIME.bytes, 'encodeBytes')}(${v})`;
    case 'decimal':
      return `${imports.value(RUNTIME.int64, 'encodeInt64')}(${v}${info.unsigned ? ', true' : ''})`;
    case 'string':
    case 'bool':
    case 'number':
      return v;
    default:
      return unreachable(info.wire, 'scalar wire form');
  }
}

function decoder(m: Message, enums: ReadonlyMap<string, Enum>, options: EmitOptions, imports: Imports): FunctionDeclarationStructure {
  const type = imports.type('./models.js', m.name);
  const wireObject = imports.value(RUNTIME.codec, 'wireObject');
  if (m.fields.some((f) => needsOwn(f.wireName))) imports.value(RUNTIME.codec, 'own');
  const read = `${wireObject}(value, ${stringLiteral(m.name)})`;
  const body: WriterFunction = (w) => {
    w.writeLine(`const wire = ${read};`);
    w.write('return ').inlineBlock(() => {
      const codec = { enums, options, imports };
      for (const f of m.fields) w.writeLine(`${literalKey(f.name)}: ${decodeField(m, f, codec)},`);
    });
    w.write(';');
  };
  return {
    kind: StructureKind.Function,
    name: decoderName(m.name),
    isExported: true,
    parameters: [{ name: 'value', type: 'unknown' }],
    returnType: type,
    statements: m.fields.length ? [body] : [`${read};`, 'return {};'],
  };
}

interface Codec {
  readonly enums: ReadonlyMap<string, Enum>;
  readonly options: EmitOptions;
  readonly imports: Imports;
}

function decodeField(m: Message, f: Field, codec: Codec): string {
  const path = stringLiteral(`${m.name}.${f.wireName}`);
  const value = readProperty('wire', f.wireName);
  if (!f.repeated) return decodeOne(f.type, value, path, codec);
  const list = codec.imports.value(RUNTIME.codec, 'decodeList');
  return `${list}(${value}, ${itemDecoder(f.type, path, codec)}, ${path})`;
}

/** An expression decoding `v`, one value of type `t`. */
function decodeOne(t: FieldType, v: string, path: string, codec: Codec): string {
  switch (t.kind) {
    case 'message':
      return `${v} == null ? undefined : ${decoderName(t.name)}(${v})`;
    case 'json':
      return v;
    case 'enum': {
      const e = codec.enums.get(t.name)!;
      return `${codec.imports.value(RUNTIME.codec, 'decodeEnum')}(${v}, ${enumValuesName(e.name)}, ${stringLiteral(e.zero)}, ${path})`;
    }
    case 'scalar':
      return `${scalarDecoder(t.scalar, codec)}(${v}, ${path})`;
    default:
      return unreachable(t, 'field kind');
  }
}

/** The runtime function decoding a scalar: each takes `(value, path)`. */
function scalarDecoder(scalar: ScalarKind, { options, imports }: Codec): string {
  const { wire } = scalarInfo(scalar);
  switch (wire) {
    case 'base64':
      return imports.value(RUNTIME.bytes, 'decodeBytes');
    case 'decimal':
      return imports.value(RUNTIME.int64, options.int64 === 'string' ? 'decodeInt64String' : 'decodeInt64');
    case 'string':
      return imports.value(RUNTIME.codec, 'decodeString');
    case 'bool':
      return imports.value(RUNTIME.codec, 'decodeBool');
    case 'number':
      return imports.value(RUNTIME.codec, 'decodeNumber');
    default:
      return unreachable(wire, 'scalar wire form');
  }
}

/** A function `(item, path)` decoding one item of a repeated field. */
function itemDecoder(t: FieldType, path: string, codec: Codec): string {
  if (t.kind === 'message') return decoderName(t.name);
  if (t.kind === 'scalar') return scalarDecoder(t.scalar, codec);
  return `(item: unknown) => ${decodeOne(t, 'item', path, codec)}`;
}
