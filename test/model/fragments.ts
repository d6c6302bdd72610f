/** Small Swagger documents for model tests: just enough of etcd's shape to exercise one rule. */
import type { OpenAPIV2 } from 'openapi-types';
import type { LoadedSpec } from '../../spec/load.js';

type Definitions = Record<string, object>;

export interface Route {
  readonly path: string;
  readonly operationId: string;
  readonly tag?: string;
  readonly request?: string;
  readonly response?: string;
  readonly streamIn?: boolean;
  readonly streamOut?: 'bare' | 'envelope' | 'x-stream-definitions';
}

export function spec(file: string, routes: readonly Route[], definitions: Definitions, extra: Record<string, unknown> = {}): LoadedSpec {
  const paths: Record<string, unknown> = {};
  const streamDefs: Record<string, unknown> = {};
  for (const r of routes) {
    const request = r.request ?? 'etcdserverpbEmpty';
    const response = r.response ?? 'etcdserverpbEmpty';
    let schema: object = { $ref: `#/definitions/${response}` };
    if (r.streamOut === 'envelope') schema = { type: 'object', title: `Stream result of ${response}`, properties: { result: { $ref: `#/definitions/${response}` }, error: { $ref: '#/definitions/googlerpcStatus' } } };
    if (r.streamOut === 'x-stream-definitions') {
      streamDefs[response] = { type: 'object', title: `Stream result of ${response}`, properties: { result: { $ref: `#/definitions/${response}` } } };
      schema = { $ref: `#/x-stream-definitions/${response}` };
    }
    paths[r.path] = {
      post: {
        operationId: r.operationId,
        ...(r.tag ? { tags: [r.tag] } : {}),
        parameters: [{ name: 'body', in: 'body', required: true, description: r.streamIn ? ' (streaming inputs)' : undefined, schema: { $ref: `#/definitions/${request}` } }],
        responses: { 200: { description: `A successful response.${r.streamOut === 'bare' ? '(streaming responses)' : ''}`, schema } },
      },
    };
  }
  const doc = {
    swagger: '2.0',
    info: { title: file, version: 'version not set' },
    paths,
    definitions: { etcdserverpbEmpty: { type: 'object' }, googlerpcStatus: { type: 'object', properties: { code: { type: 'integer', format: 'int32' } } }, ...definitions },
    ...(Object.keys(streamDefs).length ? { 'x-stream-definitions': streamDefs } : {}),
    ...extra,
  } as unknown as OpenAPIV2.Document;
  return { file, basename: file, version: undefined, text: JSON.stringify(doc), doc };
}
