/**
 * For a client generated over several etcd versions only: `versions.ts`, the table of which operations each
 * version has, where some versions route an operation elsewhere, and which request fields not every version
 * knows (with what ignoring them costs); and the pieces of the client that wrap its transport with the guard
 * (runtime/core/version-guard.ts) that checks calls against it. A single-version client gets none of this.
 */
import { StructureKind, VariableDeclarationKind, Writers, type StatementStructures, type VariableStatementStructure, type WriterFunction } from 'ts-morph';
import type { ApiModel, Field, Message } from '../spec/model.js';
import { ignoredFieldConsequence } from '../spec/risks.js';
import { messagesByName, reachFrom } from '../spec/walk.js';
import { jsDoc } from './docs.js';
import type { Imports } from './imports.js';
import { isMultiVersion, RUNTIME } from './runtime-manifest.js';
import { stringLiteral } from './syntax.js';

const VERSION_GUARD = RUNTIME.versionGuard;
export const VERSIONS_MODULE = './versions.js' as const;

const list = (items: readonly string[]): string => `[${items.map(stringLiteral).join(', ')}]`;
const objectOf = (entries: readonly (readonly [string, string | WriterFunction])[]): WriterFunction =>
  entries.length ? Writers.object(Object.fromEntries(entries.map(([k, v]) => [stringLiteral(k), v]))) : (w) => w.write('{}');

function constant(name: string, type: string, initializer: string | WriterFunction, doc: string): VariableStatementStructure {
  return {
    kind: StructureKind.VariableStatement,
    declarationKind: VariableDeclarationKind.Const,
    isExported: true,
    docs: jsDoc(doc),
    declarations: [{ name, type, initializer }],
  };
}

export function emitVersionTable(model: ApiModel, imports: Imports): StatementStructures[] {
  const byVersion = model.operationsByVersion ?? [];
  const fields = versionedRequestFields(model);
  return [
    constant(
      'OPERATIONS_BY_VERSION',
      'Readonly<Record<string, readonly string[]>>',
      objectOf(byVersion.map((v) => [v.version, list(v.operations)] as const)),
      `Which operations each etcd version this client was generated from has, by its specs.\n\n${partialOperations(model)}`,
    ),
    constant(
      'VERSION_TABLE',
      imports.type(VERSION_GUARD, 'VersionTable'),
      Writers.object({
        versions: list(model.versions),
        operations: 'OPERATIONS_BY_VERSION',
        routes: objectOf(versionRoutes(model)),
        requests: objectOf(fields.requests),
        messages: objectOf(fields.messages),
      }),
      'What the client checks a call against once it knows the server version (see runtime/core/version-guard.ts).',
    ),
  ];
}

/** The operations not every version has, as a list for the JSDoc. */
function partialOperations(model: ApiModel): string {
  const lines = model.services.flatMap((s) => s.operations.filter((op) => op.versions).map((op) => `- \`${s.property}.${op.method}\`: etcd ${op.versions!.join(', ')}`));
  return lines.length ? `Not in every version:\n${lines.join('\n')}` : 'Every version has every operation.';
}

function versionRoutes(model: ApiModel): [string, string][] {
  return model.services.flatMap((s) =>
    s.operations
      .filter((op) => op.versionRoutes?.length)
      .map((op): [string, string] => [`${s.property}.${op.method}`, `[${op.versionRoutes!.map((r) => `{ versions: ${list(r.versions)}, route: ${stringLiteral(r.path)} }`).join(', ')}]`]),
  );
}

/** Request messages that hold a field not every version has, directly or through nested messages. */
function versionedRequestFields(model: ApiModel): { requests: [string, string][]; messages: [string, WriterFunction][] } {
  const byName = messagesByName(model.messages);
  const needs = new Set<string>();
  for (let grew = true; grew; ) {
    grew = false;
    for (const m of model.messages) {
      if (!needs.has(m.name) && m.fields.some((f) => f.versions || (f.type.kind === 'message' && needs.has(f.type.name)))) {
        needs.add(m.name);
        grew = true;
      }
    }
  }
  const operations = model.services.flatMap((s) => s.operations.map((op) => ({ name: `${s.property}.${op.method}`, request: op.request })));
  const checked = operations.filter((o) => needs.has(o.request));
  const requests = checked.map((o): [string, string] => [o.name, stringLiteral(o.request)]);
  const reachable = reachFrom(byName, checked.map((o) => o.request)).messages;
  const messages = model.messages
    .filter((m) => needs.has(m.name) && reachable.has(m.name))
    .map((m): [string, WriterFunction] => [m.name, objectOf(m.fields.flatMap((f) => fieldEntry(model, m, f, needs)))]);
  return { requests, messages };
}

function fieldEntry(model: ApiModel, m: Message, f: Field, needs: ReadonlySet<string>): [string, string][] {
  const nested = f.type.kind === 'message' && needs.has(f.type.name) ? f.type.name : undefined;
  if (!f.versions && !nested) return [];
  const risk = f.versions ? ignoredFieldConsequence(m.name, f.wireName) : undefined;
  const zero = f.versions && f.type.kind === 'enum' ? model.enums.find((e) => e.name === (f.type as { name: string }).name)?.zero : undefined;
  const parts = [
    ...(f.versions ? [`versions: ${list(f.versions)}`] : []),
    ...(risk ? [`risk: ${stringLiteral(risk)}`] : []),
    ...(nested ? [`message: ${stringLiteral(nested)}`] : []),
    ...(zero ? [`zero: ${stringLiteral(zero)}`] : []),
  ];
  return [[f.wireName, `{ ${parts.join(', ')} }`]];
}

/** The client's options type and transport expression: wrapped with the guard over several versions. */
export function clientTransport(model: ApiModel, imports: Imports, optionsType: () => string, transport: string): { optionsType: string; transport: string } {
  if (!isMultiVersion(model)) return { optionsType: optionsType(), transport };
  const wrap = imports.value(VERSION_GUARD, 'createVersionedTransport');
  const table = imports.value(VERSIONS_MODULE, 'VERSION_TABLE');
  return { optionsType: imports.type(VERSION_GUARD, 'VersionedClientOptions'), transport: `${wrap}(${transport}, ${table}, options)` };
}

/** What the index re-exports besides the runtime (the manifest lists the guard's exports): the generated table. */
export function versionIndexExports(model: ApiModel): StatementStructures[] {
  if (!isMultiVersion(model)) return [];
  return [{ kind: StructureKind.ExportDeclaration, moduleSpecifier: VERSIONS_MODULE, namedExports: ['OPERATIONS_BY_VERSION', 'VERSION_TABLE'] }];
}
