/** One check for every source of options: the flags, a config file and the API name the option their own way. */
import { describe, expect, it } from 'vitest';
import { configFromFlags } from '../../generator/flags.js';
import { generate } from '../../generator/generate.js';
import { readOptions, type OptionSource } from '../../generator/options.js';
import { validateConfig } from '../../generator/config.js';

const FILE = '/p/etcd-gateway-codegen.config.json';

describe('readOptions', () => {
  it.each<{ given: { values: Record<string, unknown>; source: OptionSource }; want: string }>([
    { given: { values: { int64: 'number' }, source: { kind: 'flag' } }, want: '--int64: must be "bigint" or "string", not string "number"' },
    { given: { values: { int64: 'number' }, source: { kind: 'config', file: FILE } }, want: `${FILE}: int64: must be "bigint" or "string", not string "number"` },
    { given: { values: { int64: 'number' }, source: { kind: 'api' } }, want: 'generate({ int64 }): must be "bigint" or "string", not string "number"' },
    { given: { values: { name: 'not-an-identifier' }, source: { kind: 'config', file: FILE } }, want: `${FILE}: name: "not-an-identifier" is not a JavaScript identifier` },
    { given: { values: { specDir: '' }, source: { kind: 'flag' } }, want: '--spec-dir: must be a non-empty string, not string ""' },
    { given: { values: { download: 'no' }, source: { kind: 'api' } }, want: 'generate({ download }): must be true or false, not string "no"' },
  ])('$given.source.kind $given.values → $want', ({ given, want }) => {
    expect(() => readOptions(given.values, given.source)).toThrow(want);
  });

  it('resolves paths in a config file against its directory, and leaves flags and the API as given', () => {
    expect(readOptions({ out: 'gen' }, { kind: 'config', file: FILE })).toEqual({ out: '/p/gen' });
    expect(readOptions({ out: 'gen' }, { kind: 'flag' })).toEqual({ out: 'gen' });
    expect(readOptions({ out: 'gen', check: true }, { kind: 'api' })).toEqual({ out: 'gen' });
  });

  it('is the check behind the flags, the config file and generate()', async () => {
    expect(() => configFromFlags({ name: '1x' })).toThrow('--name: "1x" is not a JavaScript identifier');
    expect(() => validateConfig(FILE, { name: '1x' })).toThrow(`${FILE}: name: "1x" is not a JavaScript identifier`);
    await expect(generate({ out: '/nowhere', name: '1x', specs: [] })).rejects.toThrow('generate({ name }): "1x" is not a JavaScript identifier');
  });
});
