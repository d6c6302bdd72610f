/**
 * emitServices: per service an interface (what users call) and a factory binding each method to its
 * operation descriptor, codecs and the transport.
 */
import { StructureKind, VariableDeclarationKind, type InterfaceDeclarationStructure, type FunctionDeclarationStructure, type StatementStructures, type VariableStatementStructure, type WriterFunction } from 'ts-morph';
import type { ApiModel, Field, Message, Operation, Service } from '../spec/model.js';
import { jsDoc } from './docs.js';
import type { Imports } from './imports.js';
import { RUNTIME } from './runtime-manifest.js';
import { pascalCase } from '../spec/names.js';
import { readProperty, stringLiteral } from './syntax.js';
import { decoderName, encoderName, inputTypeName } from './usage.js';
import { versionNote } from './versions-doc.js';

export const serviceTypeName = (s: Service): string => `${pascalCase(s.property)}Service`;
export const serviceFactoryName = (s: Service): string => `create${pascalCase(s.property)}Service`;
const descriptorName = (s: Service, op: Operation, suffix = ''): string =>
  `${s.property}${pascalCase(op.method)}${suffix}`.replace(/^./, (c) => c.toLowerCase()) + 'Operation';

export function emitServices(model: ApiModel, imports: Imports): StatementStructures[] {
  const messages = new Map(model.messages.map((m) => [m.name, m]));
  return model.services.flatMap((s) => [
    ...s.operations.flatMap((op) => descriptors(s, op, imports)),
    serviceInterface(s, imports, model.versions, messages),
    serviceFactory(s, imports, messages),
  ]);
}

type Messages = ReadonlyMap<string, Message>;

/** A request message without fields (`StatusRequest`, `SnapshotRequest`): the request may be left out. */
function requestIsOptional(op: Operation, messages: Messages): boolean {
  return !op.requestStreaming && messages.get(op.request)?.fields.length === 0;
}

/**
 * A byte stream: a server stream whose message carries one bytes field (Snapshot's `blob`). Its method yields
 * that field's bytes; `<method>Responses` yields the whole decoded messages.
 */
export function byteStreamField(op: Operation, messages: Messages): Field | undefined {
  if (!op.responseStreaming || op.requestStreaming) return undefined;
  const bytes = (messages.get(op.response)?.fields ?? []).filter((f) => !f.repeated && f.type.kind === 'scalar' && f.type.scalar === 'bytes');
  return bytes.length === 1 ? bytes[0] : undefined;
}

const responsesMethod = (op: Operation): string => `${op.method}Responses`;

function descriptors(s: Service, op: Operation, imports: Imports): VariableStatementStructure[] {
  const type = imports.type(RUNTIME.types, 'OperationDescriptor');
  const one = (name: string, safety: string): VariableStatementStructure => ({
    kind: StructureKind.VariableStatement,
    declarationKind: VariableDeclarationKind.Const,
    isExported: true,
    declarations: [{ name, type, initializer: descriptorLiteral(s, op, safety) }],
  });
  if (op.safety !== 'txn') return [one(descriptorName(s, op), op.safety)];
  return [one(descriptorName(s, op), 'write'), one(descriptorName(s, op, 'ReadOnly'), 'read')];
}

function descriptorLiteral(s: Service, op: Operation, safety: string): string {
  const fields = [
    `name: ${stringLiteral(`${s.property}.${op.method}`)}`,
    `route: ${stringLiteral(op.route.path)}`,
    `safety: ${stringLiteral(safety)}`,
    ...(op.authenticates ? ['noAuth: true'] : []),
  ];
  return `{ ${fields.join(', ')} }`;
}

function requestType(op: Operation, imports: Imports): string {
  const input = imports.type('./models.js', inputTypeName(op.request));
  return op.requestStreaming ? `${input} | readonly ${input}[]` : input;
}

function responseType(op: Operation, imports: Imports): string {
  const output = imports.type('./models.js', op.response);
  return op.responseStreaming ? `AsyncGenerator<${output}, void, undefined>` : `Promise<${output}>`;
}

function serviceInterface(s: Service, imports: Imports, versions: readonly string[], messages: Messages): InterfaceDeclarationStructure {
  const callOptions = imports.type(RUNTIME.types, 'CallOptions');
  const method = (op: Operation, name: string, returnType: string, note?: string) => ({
    name,
    parameters: [
      { name: 'request', type: requestType(op, imports), hasQuestionToken: requestIsOptional(op, messages) },
      { name: 'options', type: callOptions, hasQuestionToken: true },
    ],
    returnType,
    docs: jsDoc(op.summary, note, routeNote(op), versionNote(op.versions, versions)),
  });
  return {
    kind: StructureKind.Interface,
    name: serviceTypeName(s),
    isExported: true,
    docs: jsDoc(`The ${s.name} service of etcd's gateway.`),
    methods: s.operations.flatMap((op) => {
      const bytes = byteStreamField(op, messages);
      if (!bytes) return [method(op, op.method, responseType(op, imports))];
      return [
        method(op, op.method, 'AsyncGenerator<Uint8Array, void, undefined>', `Yields the decoded \`${bytes.wireName}\` of each response; \`${responsesMethod(op)}\` yields the whole messages.`),
        method(op, responsesMethod(op), responseType(op, imports), `The decoded response messages of \`${op.method}\`.`),
      ];
    }),
  };
}

function routeNote(op: Operation): string {
  const alternates = op.alternateRoutes.map((r) => `\`${r.path}\``).join(', ');
  const stream = op.responseStreaming ? ' Streams its responses.' : '';
  const elsewhere = (op.versionRoutes ?? []).map((r) => ` On etcd ${r.versions.join(', ')}: \`${r.path}\`.`).join('');
  return `\`${op.route.httpMethod} <prefix>${op.route.path}\`${alternates ? ` (also bound at ${alternates})` : ''}.${elsewhere}${stream}`;
}

function serviceFactory(s: Service, imports: Imports, messages: Messages): FunctionDeclarationStructure {
  const transport = imports.type(RUNTIME.types, 'Transport');
  const body: WriterFunction = (w) => {
    w.write('return ').inlineBlock(() => {
      for (const op of s.operations) {
        const bytes = byteStreamField(op, messages);
        w.writeLine(`${op.method}: ${methodBody(s, op, imports, messages, bytes)},`);
        if (bytes) w.writeLine(`${responsesMethod(op)}: ${methodBody(s, op, imports, messages)},`);
      }
    });
    w.write(';');
  };
  return {
    kind: StructureKind.Function,
    name: serviceFactoryName(s),
    isExported: true,
    parameters: [{ name: 'transport', type: transport }],
    returnType: serviceTypeName(s),
    statements: [body],
  };
}

function methodBody(s: Service, op: Operation, imports: Imports, messages: Messages, bytes?: Field): string {
  const encode = imports.value('./codecs.js', encoderName(op.request));
  const decoder = imports.value('./codecs.js', decoderName(op.response));
  const decode = bytes ? `(wire) => ${readProperty(`${decoder}(wire)`, bytes.name)}` : decoder;
  const request = requestIsOptional(op, messages) ? '(request ?? {})' : 'request';
  const body = op.requestStreaming ? `${imports.value(RUNTIME.codec, 'encodeEach')}(request, ${encode})` : `${encode}(${request})`;
  if (op.responseStreaming) {
    return `(request, options) => ${imports.value(RUNTIME.codec, 'mapStream')}(transport.stream(${descriptorName(s, op)}, ${body}, options), ${decode})`;
  }
  if (op.safety === 'txn') {
    const readOnly = imports.value(RUNTIME.txn, 'txnIsReadOnly');
    return `(request, options) => { const body = ${body}; return transport.unary(${readOnly}(body) ? ${descriptorName(s, op, 'ReadOnly')} : ${descriptorName(s, op)}, body, options).then(${decode}); }`;
  }
  return `(request, options) => transport.unary(${descriptorName(s, op)}, ${body}, options).then(${decode})`;
}
