/**
 * spec/load.ts validates as swagger-parser's `validate` does (dereference, JSON Schema, Swagger rules, in that
 * order) but compiles the schema once per process. On the same broken documents it must reach the same verdict
 * and report the same first problem as swagger-parser itself.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPIV2 } from 'openapi-types';
import { describe, expect, it } from 'vitest';
import { SpecError } from '../../spec/errors.js';
import { loadSpec } from '../../spec/load.js';
import { specDirOf, specVersions } from '../helpers/specs.js';

type Doc = Record<string, any>;
const rpc = async (version = '3.6.14'): Promise<Doc> =>
  JSON.parse(await readFile(join(specDirOf(version), 'rpc.swagger.json'), 'utf8')) as Doc;

/** What swagger-parser says about `doc`: undefined when valid, else its first detail or message. */
async function swaggerParserVerdict(doc: Doc): Promise<string | undefined> {
  try {
    await SwaggerParser.validate(structuredClone(doc) as OpenAPIV2.Document);
    return undefined;
  } catch (e) {
    const err = e as { message: string; details?: { instancePath: string; message?: string }[] };
    const detail = err.details?.[0];
    return detail ? `${detail.instancePath}: ${detail.message}` : err.message.split('\n')[0];
  }
}

async function ourVerdict(doc: Doc): Promise<SpecError | undefined> {
  const input = { file: 'rpc.swagger.json', basename: 'rpc.swagger.json', text: JSON.stringify(doc) };
  try {
    await loadSpec(input);
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    return e as SpecError;
  }
}

const breakages: [string, (doc: Doc) => void][] = [
  ['a misspelt type', (d) => (d['paths']['/v3/kv/put']['post']['responses']['200']['schema'] = { type: 'strin' })],
  ['two schema violations (the first is reported)', (d) => {
    d['definitions']['etcdserverpbPutRequest']['type'] = 7;
    d['paths']['/v3/kv/range']['post']['parameters'][0]['in'] = 'nowhere';
  }],
  ['a $ref to nothing', (d) => (d['definitions']['etcdserverpbPutRequest']['properties']['lease'] = { $ref: '#/definitions/nowhere' })],
  ['a duplicate operationId', (d) => (d['paths']['/v3/kv/range']['post']['operationId'] = d['paths']['/v3/kv/put']['post']['operationId'])],
  ['a path parameter that is not declared', (d) => (d['paths']['/v3/kv/{thing}'] = d['paths']['/v3/kv/put'])],
  ['a response without a description', (d) => delete d['paths']['/v3/kv/put']['post']['responses']['200']['description']],
];

describe('validation: the same verdict as swagger-parser', () => {
  it.each(breakages)('%s', async (_name, breakIt) => {
    const doc = await rpc();
    breakIt(doc);
    const theirs = await swaggerParserVerdict(doc);
    const ours = await ourVerdict(doc);
    expect(theirs).toBeDefined();
    expect(ours).toBeDefined();
    const [pointer, message] = theirs!.startsWith('/') ? [theirs!.slice(0, theirs!.indexOf(': ')), theirs!.slice(theirs!.indexOf(': ') + 2)] : ['', theirs!];
    if (pointer) expect(ours!.pointer).toBe(decodeURIComponent(pointer));
    const said = message.replace(/^Missing \$ref pointer "([^"]*)".*$/, '$1');
    expect(ours!.message).toContain(said);
  });

  it.each(specVersions)('accepts every etcd spec of v%s', async (version) => {
    for (const name of ['rpc', 'v3lock', 'v3election']) {
      const file = join(specDirOf(version), `${name}.swagger.json`);
      const text = await readFile(file, 'utf8'); // a missing spec fails the test: every etcd here publishes all three
      await expect(loadSpec({ file, basename: `${name}.swagger.json`, version, text })).resolves.toBeDefined();
      expect(await swaggerParserVerdict(JSON.parse(text) as Doc)).toBeUndefined();
    }
  });
});
