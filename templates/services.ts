/**
 * emitServices: per service an interface (what users call) and a factory binding each method to its
 * operation descriptor, codecs and the transport.
 */
import { StructureKind, VariableDeclarationKind, type InterfaceDeclarationStructure, type FunctionDeclarationStructure, type StatementStructures, type VariableStatementStructure, type WriterFunction } from 'ts-morph';
import { scalarInfo } from '../spec/kinds.js';
import type { ApiModel, Field, Message, Operation, Service } from '../spec/model.js';
import { jsDoc } from './docs.js';
import type { Imports } from './imports.js';
import { inputFieldIsOptional } from './models.js';
import { RUNTIME } from './runtime-manifest.js';
import { pascalCase } from '../spec/names.js';
import { misroutedPaths, type RouteAnswer } from '../spec/risks.js';
import { readProperty, stringLiteral } from './syntax.js';
import { decoderName, encoderName, inputTypeName } from './usage.js';
import { versionNote } from './versions-doc.js';

/** Imported only by the methods of operations a server may answer with another RPC (spec/risks.ts). */
const ROUTE_CHECK = RUNTIME.routeCheck;

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

/**
 * A request whose fields may all be left out (`StatusRequest`, `MemberListRequest`, which gained `linearizable`
 * in 3.5) may be left out as a whole: code calling `client.cluster.memberList()` compiles against every etcd
 * version that has the operation. A stream of requests is always given.
 */
export function requestIsOptional(op: Operation, messages: Messages): boolean {
  return !op.requestStreaming && (messages.get(op.request)?.fields ?? []).every(inputFieldIsOptional);
}

/**
 * A byte stream: a server stream whose message carries one bytes field (Snapshot's `blob`). Its method yields
 * that field's bytes; `<method>Responses` yields the whole decoded messages.
 */
export function byteStreamField(op: Operation, messages: Messages): Field | undefined {
  if (!op.responseStreaming || op.requestStreaming) return undefined;
  const bytes = (messages.get(op.response)?.fields ?? []).filter((f) => !f.repeated && f.type.kind === 'scalar' && scalarInfo(f.type.scalar).wire === 'base64');
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
    ...answeredBy(op),
  ];
  return `{ ${fields.join(', ')} }`;
}

/** Routes of this operation at which servers run another RPC (spec/risks.ts): the method (and the version guard, after rerouting) checks before sending. */
function answeredBy(op: Operation): string[] {
  const answers = misroutedPaths(op);
  if (answers.length === 0) return [];
  const entry = (a: RouteAnswer): string => {
    const bounds = [...(a.since ? [`since: ${stringLiteral(a.since)}`] : []), ...(a.before ? [`before: ${stringLiteral(a.before)}`] : [])];
    return `${stringLiteral(a.path)}: { ${[`rpc: ${stringLiteral(a.rpc)}`, ...bounds].join(', ')} }`;
  };
  return [`answeredBy: { ${answers.map(entry).join(', ')} }`];
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
  const misrouted = misroutedPaths(op)
    .map((a) => ` Servers answer \`${a.path}\` with ${a.rpc}: there the call fails with EtcdMisroutedError before it is sent.`)
    .join('');
  return `\`${op.route.httpMethod} <prefix>${op.route.path}\`${alternates ? ` (also bound at ${alternates})` : ''}.${elsewhere}${misrouted}${stream}`;
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
  // `{} as T`, not `{}`: every field of T is optional, but a field named like an Object.prototype member
  // (`constructor`) would make TypeScript see the inherited one in a bare `{}`.
  const request = requestIsOptional(op, messages) ? `(request ?? ({} as ${imports.type('./models.js', inputTypeName(op.request))}))` : 'request';
  const body = op.requestStreaming ? `${imports.value(RUNTIME.codec, 'encodeEach')}(request, ${encode})` : `${encode}(${request})`;
  const misrouted = misroutedPaths(op).length > 0;
  if (op.responseStreaming) {
    const open = `transport.stream(${descriptorName(s, op)}, ${body}, options)`;
    const stream = misrouted ? `${imports.value(ROUTE_CHECK, 'checkedStream')}(${descriptorName(s, op)}, () => transport.serverVersion(), () => ${open})` : open;
    return `(request, options) => ${imports.value(RUNTIME.codec, 'mapStream')}(${stream}, ${decode})`;
  }
  if (misrouted) {
    const check = `${imports.value(ROUTE_CHECK, 'checkRoute')}(${descriptorName(s, op)}, () => transport.serverVersion())`;
    return `(request, options) => ${check}.then(() => transport.unary(${descriptorName(s, op)}, ${body}, options)).then(${decode})`;
  }
  if (op.safety === 'txn') {
    const readOnly = imports.value(RUNTIME.txn, 'txnIsReadOnly');
    return `(request, options) => { const body = ${body}; return transport.unary(${readOnly}(body) ? ${descriptorName(s, op, 'ReadOnly')} : ${descriptorName(s, op)}, body, options).then(${decode}); }`;
  }
  return `(request, options) => transport.unary(${descriptorName(s, op)}, ${body}, options).then(${decode})`;
}
