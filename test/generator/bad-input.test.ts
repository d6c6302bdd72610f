/** Bad input: a clear error naming the file and JSON pointer, a non-zero exit, and nothing written or lost. */
import { mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../generator/cli.js';
import { readTree } from '../../generator/write.js';
import { specDirOf } from '../helpers/specs.js';

let work: string;
let stderr: string;

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'egc-bad-'));
  stderr = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = 0;
});

async function run(specText: string): Promise<{ code: number; file: string; out: string }> {
  const file = join(work, 'rpc.swagger.json');
  await writeFile(file, specText);
  const out = join(work, 'out');
  return { code: await main(['generate', '--spec', file, '--out', out]), file, out };
}

const base = async () => JSON.parse(await readFile(join(specDirOf('3.6.14'), 'rpc.swagger.json'), 'utf8')) as Record<string, any>;

describe('a spec that cannot be used', () => {
  it('invalid JSON: names the file and the line', async () => {
    const { code, file } = await run('{"swagger": "2.0", "paths": {');
    expect(code).toBe(2);
    expect(stderr).toContain(file);
    expect(stderr).toMatch(/not valid JSON \(line 1, column \d+\)/);
  });

  it('not Swagger 2.0', async () => {
    const { code, file } = await run(JSON.stringify({ openapi: '3.0.0', info: { title: 'x', version: '1' }, paths: {} }));
    expect(code).toBe(2);
    expect(stderr).toContain(`${file}#/swagger: not a Swagger 2.0 document (openapi "3.0.0")`);
  });

  it('a $ref to nothing: names the pointer of the reference', async () => {
    const doc = await base();
    doc['definitions']['etcdserverpbPutRequest']['properties']['lease'] = { $ref: '#/definitions/nowhere' };
    const { code, file } = await run(JSON.stringify(doc));
    expect(code).toBe(2);
    expect(stderr).toContain(file);
    expect(stderr).toMatch(/\$ref to nothing/);
    expect(stderr).toMatch(/#\/definitions\/etcdserverpbPutRequest\/properties\/lease/);
  });

  it('a schema violation: names the pointer', async () => {
    const doc = await base();
    doc['paths']['/v3/kv/put']['post']['responses']['200']['schema'] = { type: 'strin' };
    const { code } = await run(JSON.stringify(doc));
    expect(code).toBe(2);
    expect(stderr).toContain('#/paths/~1v3~1kv~1put/post/responses/200/schema/type: invalid Swagger 2.0');
  });

  it('an unsupported schema (allOf): names the pointer', async () => {
    const doc = await base();
    doc['definitions']['etcdserverpbPutRequest']['properties']['value'] = { allOf: [{ type: 'string' }] };
    const { code } = await run(JSON.stringify(doc));
    expect(code).toBe(2);
    expect(stderr).toContain('#/definitions/etcdserverpbPutRequest/properties/value/allOf: unsupported: allOf');
  });

  it('leaves an existing output directory exactly as it was', async () => {
    const out = join(work, 'out');
    const good = await main(['generate', '--spec', specDirOf('3.6.14'), '--out', out]);
    expect(good).toBe(0);
    const before = await readTree(out);
    const { code } = await run('{ nope');
    expect(code).toBe(2);
    expect(await readTree(out)).toEqual(before);
  }, 60_000);

  it('refuses to replace an output directory holding files it did not write', async () => {
    const out = join(work, 'mine');
    await mkdir(out);
    await writeFile(join(out, 'notes.txt'), 'precious');
    const code = await main(['generate', '--spec', specDirOf('3.6.14'), '--out', out]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/notes\.txt was not written by etcd-gateway-codegen/);
    expect(await readFile(join(out, 'notes.txt'), 'utf8')).toBe('precious');
  }, 60_000);
});

describe('bad options', () => {
  it.each([
    [['generate', '--out', 'x'], /--spec: no input/],
    [['generate', '--etcd', 'banana', '--out', 'x'], /--etcd: "banana" is not an etcd version/],
    [['generate', '--spec', '/does/not/exist', '--out', 'x'], /--spec: \/does\/not\/exist does not exist/],
    [['generate', '--etcd', '3.6.13', '--spec-dir', '/nowhere', '--out', 'x'], /ETCD_SPECS_DIR|--spec-dir/],
    [['generate', '--etcd', '3.6.14', '--out', 'x', '--name', 'not-an-identifier'], /--name: "not-an-identifier" is not a JavaScript identifier/],
    [['generate', '--etcd', '3.6.14', '--out', 'x', '--int64', 'float'], /--int64/],
  ])('%j exits 2 with %s', async (argv, message) => {
    const code = await main(argv);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});
