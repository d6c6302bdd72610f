/**
 * Strings from a spec never escape into code: descriptions with `*\/`, property names that are not identifiers
 * or live on Object.prototype, enum values with quotes and newlines, odd tag and operation names.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../../generator/generate.js';
import { repoRoot } from '../helpers/specs.js';
import { typeCheck } from '../helpers/typecheck.js';

const evil = "*/ (globalThis as any).pwned = true; /* </script> ${'`'}";
const hostile = {
  swagger: '2.0',
  info: { title: evil, version: '1' },
  paths: {
    '/v3/odd/"quoted\'path': {
      post: {
        operationId: 'odd tag-name!_Do-It',
        tags: ['odd tag-name!'],
        summary: evil,
        parameters: [{ name: 'body', in: 'body', required: true, schema: { $ref: '#/definitions/pbThing' } }],
        responses: { 200: { description: 'ok', schema: { $ref: '#/definitions/pbThing' } } },
      },
    },
  },
  definitions: {
    pbThing: {
      type: 'object',
      description: evil,
      properties: {
        __proto__: { type: 'string', description: evil },
        constructor: { type: 'string', format: 'int64' },
        toString: { type: 'boolean' },
        'my-field': { type: 'string', format: 'byte' },
        '1st': { type: 'string' },
        kind: { $ref: '#/definitions/pbKind' },
      },
    },
    pbKind: { type: 'string', enum: ["it's", '"quoted"', 'new\nline', '</script>'], default: "it's", description: evil },
  },
};

let out: string;
let mod: Record<string, any>;

beforeAll(async () => {
  const work = await mkdtemp(join(repoRoot, '.tmp', 'hostile-'));
  const file = join(work, 'odd.swagger.json');
  // JSON.stringify drops an own "__proto__" key made by a literal; write it by hand.
  await writeFile(file, JSON.stringify(hostile).replace('"properties":{', '"properties":{"__proto__":{"type":"string","description":"x"},'));
  out = join(work, 'out');
  await generate({ specs: [file], out });
  mod = await import(/* @vite-ignore */ join(out, 'codecs.ts'));
}, 60_000);

describe('a hostile spec', () => {
  it('generates code that type-checks', () => {
    expect(typeCheck(out)).toEqual([]);
  }, 60_000);

  it('runs nothing from its prose', async () => {
    await import(/* @vite-ignore */ join(out, 'index.ts'));
    expect((globalThis as Record<string, unknown>)['pwned']).toBeUndefined();
  });

  it('reads and writes __proto__, constructor and toString as plain own fields', () => {
    const wire = JSON.parse('{"__proto__":"p","constructor":"9007199254740993","toString":true,"my-field":"aGk=","1st":"one","kind":"new\\nline"}');
    const decoded = mod['decodeThing'](wire);
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(decoded.Proto).toBe('p'); // protobuf's JSON name of `__proto__`; the wire name stays

    expect(decoded.constructor).toBe(9007199254740993n);
    expect(decoded.toString).toBe(true);
    expect(new TextDecoder().decode(decoded['my-field'])).toBe('hi');
    expect(decoded['1st']).toBe('one');
    expect(decoded.kind).toBe('new\nline');

    const empty = mod['decodeThing']({});
    expect(empty.constructor).toBe(0n);
    expect(empty.toString).toBe(false);
    expect(empty.kind).toBe("it's");

    const input = { Proto: 'q', ...JSON.parse('{"constructor":"5","my-field":"hi"}') };
    const encoded = mod['encodeThing'](input);
    expect(Object.getPrototypeOf(encoded)).toBe(Object.prototype);
    expect(JSON.parse(JSON.stringify(encoded))).toEqual(JSON.parse('{"__proto__":"q","constructor":"5","my-field":"aGk="}'));
    expect(mod['encodeThing']({})).toEqual({});
  });
});
