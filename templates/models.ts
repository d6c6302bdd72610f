/**
 * emitModels: one interface per message (decoded and input forms) and one union type per enum.
 */
import { StructureKind, type InterfaceDeclarationStructure, type PropertySignatureStructure, type StatementStructures } from 'ts-morph';
import { scalarInfo, unreachable } from '../spec/kinds.js';
import type { ApiModel, Enum, Field, FieldType, Message, ScalarKind } from '../spec/model.js';
import { jsDoc } from './docs.js';
import type { EmitOptions } from './options.js';
import type { Imports } from './imports.js';
import { RUNTIME } from './runtime-manifest.js';
import { propertyName, stringLiteral } from './syntax.js';
import { inputTypeName, type Usage } from './usage.js';
import { valueNotes, versionNote } from './versions-doc.js';

export function emitModels(model: ApiModel, usage: Usage, options: EmitOptions, imports: Imports): StatementStructures[] {
  const statements: StatementStructures[] = [];
  for (const e of model.enums) statements.push(enumType(e, model.versions));
  for (const m of model.messages) {
    if (usage.output.has(m.name)) statements.push(outputInterface(m, options, model.versions));
    if (usage.input.has(m.name)) statements.push(...inputTypes(m, usage, imports, model.versions));
  }
  return statements;
}

function enumType(e: Enum, versions: readonly string[]): StatementStructures {
  return {
    kind: StructureKind.TypeAlias,
    name: e.name,
    isExported: true,
    type: e.values.map((v) => stringLiteral(v.name)).join(' | '),
    docs: jsDoc(e.description, `Omitted on the wire when ${e.zero}.`, valueNotes(e, versions), versionNote(e.versions, versions)),
  };
}

function outputInterface(m: Message, options: EmitOptions, versions: readonly string[]): InterfaceDeclarationStructure {
  return {
    kind: StructureKind.Interface,
    name: m.name,
    isExported: true,
    docs: jsDoc(m.description, versionNote(m.versions, versions)),
    properties: m.fields.map((f) => property(f, outputType(f, options), f.type.kind === 'message' && !f.repeated, fieldNote(m, f, versions))),
  };
}

function inputTypes(m: Message, usage: Usage, imports: Imports, versions: readonly string[]): StatementStructures[] {
  const input: InterfaceDeclarationStructure = {
    kind: StructureKind.Interface,
    name: inputTypeName(m.name),
    isExported: true,
    docs: jsDoc(m.description, versionNote(m.versions, versions)),
    properties: m.fields.map((f) => property(f, inputType(f, imports), inputFieldIsOptional(f), fieldNote(m, f, versions))),
  };
  if (usage.output.has(m.name)) return [input];
  return [input, { kind: StructureKind.TypeAlias, name: m.name, isExported: true, type: inputTypeName(m.name), docs: jsDoc(`What you pass: see {@link ${inputTypeName(m.name)}}.`) }];
}

/**
 * Whether a caller may leave an input field out: always, for proto3 has no required fields (the server reads an
 * omitted field as its zero value). services.ts lets a whole request be left out when all its fields may be.
 */
export function inputFieldIsOptional(_field: Field): boolean {
  return true;
}

/** A field is in the versions its message is in, unless it says otherwise. */
function fieldNote(m: Message, f: Field, versions: readonly string[]): string | undefined {
  return versionNote(f.versions ?? m.versions, versions);
}

function property(f: Field, type: string, optional: boolean, note: string | undefined): PropertySignatureStructure {
  return {
    kind: StructureKind.PropertySignature,
    name: propertyName(f.name),
    type: optional ? `${type} | undefined` : type,
    hasQuestionToken: optional,
    docs: jsDoc(f.description, f.name !== f.wireName ? `Wire name: \`${f.wireName}\`.` : undefined, note),
  };
}

function outputType(f: Field, options: EmitOptions): string {
  const item = outputItemType(f.type, options);
  return f.repeated ? `${parenthesize(item)}[]` : item;
}

function outputItemType(t: FieldType, options: EmitOptions): string {
  switch (t.kind) {
    case 'message':
    case 'enum':
      return t.name;
    case 'json':
      return 'unknown';
    case 'scalar':
      return scalarType(t.scalar, () => 'Uint8Array', () => (options.int64 === 'string' ? 'string' : 'bigint'));
    default:
      return unreachable(t, 'field kind');
  }
}

function inputType(f: Field, imports: Imports): string {
  const item = inputItemType(f.type, imports);
  return f.repeated ? `readonly ${parenthesize(item)}[]` : item;
}

function inputItemType(t: FieldType, imports: Imports): string {
  switch (t.kind) {
    case 'message':
      return inputTypeName(t.name);
    case 'enum':
      return `${t.name} | number`;
    case 'json':
      return 'unknown';
    case 'scalar':
      return scalarType(t.scalar, () => imports.type(RUNTIME.codec, 'BytesInput'), () => imports.type(RUNTIME.int64, 'Int64Input'));
    default:
      return unreachable(t, 'field kind');
  }
}

/** A scalar's TypeScript type; bytes and 64-bit integers differ between the decoded and the input form. */
function scalarType(scalar: ScalarKind, bytes: () => string, int64: () => string): string {
  const { wire } = scalarInfo(scalar);
  switch (wire) {
    case 'base64':
      return bytes();
    case 'string':
      return 'string';
    case 'bool':
      return 'boolean';
    case 'decimal':
      return int64();
    case 'number':
      return 'number';
    default:
      return unreachable(wire, 'scalar wire form');
  }
}

function parenthesize(type: string): string {
  return type.includes(' ') ? `(${type})` : type;
}
