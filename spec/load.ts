/**
 * Read and validate Swagger 2.0 documents. The only I/O in spec/ besides resolving inputs.
 *
 * swagger-parser validates a copy (it dereferences in place); the model is built from the parsed document
 * with every `$ref` name intact.
 */
import { readFile } from 'node:fs/promises';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPIV2 } from 'openapi-types';
import { SpecError } from './errors.js';
import type { SpecInput } from './resolve.js';

export interface LoadedSpec {
  /** The path as given (for messages). */
  readonly file: string;
  /** The file's name (for the generated header: stable across machines). */
  readonly basename: string;
  readonly version: string | undefined;
  readonly text: string;
  readonly doc: OpenAPIV2.Document;
}

export async function loadSpecs(inputs: readonly SpecInput[]): Promise<LoadedSpec[]> {
  return Promise.all(inputs.map((input) => loadSpec(input)));
}

export async function loadSpec(input: SpecInput): Promise<LoadedSpec> {
  let text: string;
  try {
    text = input.text ?? (await readFile(input.file, 'utf8'));
  } catch (e) {
    throw new SpecError(input.file, '', `cannot read the spec: ${(e as Error).message}`);
  }
  return parseSpec(input, text, await validateSpec(input.file, parseJson(input.file, text)));
}

function parseSpec(input: SpecInput, text: string, doc: OpenAPIV2.Document): LoadedSpec {
  return { file: input.file, basename: input.basename, version: input.version, text, doc };
}

function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const at = /position (\d+)/.exec(message);
    const where = at ? ` (${lineAndColumn(text, Number(at[1]))})` : '';
    throw new SpecError(file, '', `not valid JSON${where}: ${message}`);
  }
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
}

async function validateSpec(file: string, json: unknown): Promise<OpenAPIV2.Document> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new SpecError(file, '', 'not a Swagger document: the top level is not a JSON object');
  }
  const version = (json as { swagger?: unknown; openapi?: unknown }).swagger;
  if (version !== '2.0') {
    const openapi = (json as { openapi?: unknown }).openapi;
    const said = openapi !== undefined ? `openapi ${JSON.stringify(openapi)}` : `swagger ${JSON.stringify(version)}`;
    throw new SpecError(file, '/swagger', `not a Swagger 2.0 document (${said}); etcd's gateway specs are Swagger 2.0`);
  }
  try {
    await SwaggerParser.validate(structuredClone(json) as OpenAPIV2.Document);
  } catch (e) {
    throw validationError(file, e);
  }
  return json as OpenAPIV2.Document;
}

/** Turn swagger-parser's errors (schema violations, missing `$ref` targets) into one that names the place. */
function validationError(file: string, e: unknown): SpecError {
  const err = e as { message?: string; details?: { instancePath?: string; message?: string }[]; parentPath?: string };
  const detail = err.details?.[0];
  if (detail?.instancePath !== undefined) {
    return new SpecError(file, decodeURIComponent(detail.instancePath.replace(/^#/, '')), `invalid Swagger 2.0: ${detail.message ?? err.message}`);
  }
  const missing = /Missing \$ref pointer "([^"]*)"/.exec(err.message ?? '');
  if (missing) {
    const site = err.parentPath?.startsWith('#') ? `${err.parentPath.slice(1)}/$ref` : '';
    return new SpecError(file, site, `$ref to nothing: ${missing[1]} does not exist`);
  }
  return new SpecError(file, '', `invalid Swagger 2.0: ${err.message ?? String(e)}`);
}
