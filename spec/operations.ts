/**
 * Read the operations of one Swagger document: routes without their version prefix, the service and RPC
 * each one binds, its request and response definitions, and how it streams.
 */
import type { OpenAPIV2 } from 'openapi-types';
import { jsonPointer, SpecError } from './errors.js';
import type { LoadedSpec } from './load.js';
import type { Route, StreamStyle } from './model.js';
import { pascalCase } from './names.js';

/** One route as the spec wrote it, before routes of one RPC are grouped. */
export interface RawOperation {
  readonly spec: LoadedSpec;
  readonly route: Route;
  readonly service: string;
  /** operationId without `<Tag>_`: `LeaseRevoke2`. */
  readonly name: string;
  /** Definition names (in `spec`) of the body and the success response. */
  readonly request: string;
  readonly requestStreaming: boolean;
  readonly response: string;
  readonly responseStreaming: boolean;
  readonly streamStyle: StreamStyle | undefined;
  readonly errorBody: string | undefined;
  readonly streamErrorBody: string | undefined;
  readonly summary: string | undefined;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const;
/** `/v3`, `/v3beta`, `/v3alpha` (and, for etcd versions to come, any `/v<n><label>`). */
const VERSION_PREFIX = /^\/v\d+(?:alpha|beta)?\d*(?=\/)/;
const STREAM_INPUT = /\(streaming inputs\)/;
const STREAM_OUTPUT = /\(streaming responses\)/;
const STREAM_TITLE = /^Stream result of /;

export function splitPrefix(path: string): { prefix: string; path: string } {
  const prefix = VERSION_PREFIX.exec(path)?.[0] ?? '';
  return { prefix, path: path.slice(prefix.length) || '/' };
}

export function readOperations(spec: LoadedSpec): RawOperation[] {
  const out: RawOperation[] = [];
  for (const [path, item] of Object.entries(spec.doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = (item as OpenAPIV2.PathItemObject)[method];
      if (op) out.push(readOperation(spec, path, method, op));
    }
  }
  return out;
}

function readOperation(spec: LoadedSpec, path: string, method: string, op: OpenAPIV2.OperationObject): RawOperation {
  const pointer = jsonPointer('paths', path, method);
  const { prefix, path: canonical } = splitPrefix(path);
  const operationId = op.operationId ?? pascalCase(`${method} ${canonical}`);
  const service = op.tags?.[0] ?? operationId.split('_')[0] ?? 'Default';
  const name = operationId.startsWith(`${service}_`) ? operationId.slice(service.length + 1) : operationId;
  const route: Route = { httpMethod: method.toUpperCase(), path: canonical, operationId, specPrefix: prefix, source: { file: spec.file, pointer } };
  const body = readBody(spec, pointer, op);
  const response = readResponse(spec, pointer, op);
  return {
    spec,
    route,
    service,
    name: name || operationId,
    request: body.definition,
    requestStreaming: body.streaming,
    ...response,
    errorBody: refName(op.responses?.['default'] as OpenAPIV2.ResponseObject | undefined),
    summary: op.summary ?? op.description,
  };
}

function readBody(spec: LoadedSpec, pointer: string, op: OpenAPIV2.OperationObject) {
  const params = (op.parameters ?? []) as OpenAPIV2.Parameter[];
  params.forEach((p, i) => {
    if (!('in' in p) || p.in !== 'body') {
      const where = 'in' in p ? `a ${String(p.in)} parameter` : 'a $ref parameter';
      throw new SpecError(spec.file, `${pointer}/parameters/${i}`, `unsupported: ${where} (${String(p.name)}); etcd's gateway takes a JSON body only`);
    }
  });
  const body = params[0] as OpenAPIV2.InBodyParameterObject | undefined;
  if (!body) throw new SpecError(spec.file, `${pointer}/parameters`, "unsupported: no body parameter; etcd's gateway routes take a JSON body");
  const definition = definitionOf(spec, `${pointer}/parameters/0/schema`, body.schema);
  return { definition, streaming: STREAM_INPUT.test(body.description ?? '') };
}

function readResponse(spec: LoadedSpec, pointer: string, op: OpenAPIV2.OperationObject) {
  const code = Object.keys(op.responses ?? {}).filter((c) => /^2\d\d$/.test(c)).sort()[0];
  const where = `${pointer}/responses/${code ?? '200'}`;
  if (!code) throw new SpecError(spec.file, `${pointer}/responses`, 'no success (2xx) response');
  const res = op.responses[code] as OpenAPIV2.ResponseObject;
  const schema = res.schema as (OpenAPIV2.SchemaObject & { $ref?: string }) | undefined;
  if (!schema) throw new SpecError(spec.file, where, 'the success response has no schema');
  const ref = schema.$ref;
  if (ref?.startsWith('#/x-stream-definitions/')) {
    const envelope = (spec.doc as unknown as Record<string, Record<string, OpenAPIV2.SchemaObject>>)['x-stream-definitions']?.[ref.slice(23)];
    if (!envelope) throw new SpecError(spec.file, `${where}/schema/$ref`, `$ref to nothing: ${ref} does not exist`);
    return envelopeResponse(spec, `/x-stream-definitions/${ref.slice(23)}`, envelope, 'x-stream-definitions');
  }
  if (!ref && STREAM_TITLE.test(schema.title ?? '') && schema.properties?.['result']) {
    return envelopeResponse(spec, `${where}/schema`, schema, 'envelope');
  }
  const streaming = STREAM_OUTPUT.test(res.description ?? '');
  return {
    response: definitionOf(spec, `${where}/schema`, schema),
    responseStreaming: streaming,
    streamStyle: streaming ? ('bare' as const) : undefined,
    streamErrorBody: undefined,
  };
}

function envelopeResponse(spec: LoadedSpec, pointer: string, envelope: OpenAPIV2.SchemaObject, style: StreamStyle) {
  const props = envelope.properties ?? {};
  return {
    response: definitionOf(spec, `${pointer}/properties/result`, props['result']),
    responseStreaming: true,
    streamStyle: style,
    streamErrorBody: refName({ schema: props['error'] } as OpenAPIV2.ResponseObject),
  };
}

/** The definition a body or response schema names. Inline schemas are not supported (etcd never writes them). */
function definitionOf(spec: LoadedSpec, pointer: string, schema: unknown): string {
  const ref = (schema as { $ref?: unknown } | undefined)?.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/definitions/')) {
    throw new SpecError(spec.file, pointer, 'unsupported: a body or response schema must be a $ref to #/definitions/…');
  }
  const name = ref.slice('#/definitions/'.length);
  if (!spec.doc.definitions?.[name]) throw new SpecError(spec.file, `${pointer}/$ref`, `$ref to nothing: ${ref} does not exist`);
  return name;
}

function refName(res: OpenAPIV2.ResponseObject | undefined): string | undefined {
  const ref = (res?.schema as { $ref?: string } | undefined)?.$ref;
  return ref?.startsWith('#/definitions/') ? ref.slice('#/definitions/'.length) : undefined;
}
