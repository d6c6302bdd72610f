/**
 * The no-op fast path (generator/fast-path.ts) reads the generate flags as commander does, and hands every run
 * it cannot finish (help, other commands, checks, bad flags, work to do) to the full CLI.
 */
import { describe, expect, it } from 'vitest';
import { parseGenerateFlags } from '../../generator/flags.js';
import { runNoOpFastPath } from '../../generator/fast-path.js';

describe('parseGenerateFlags', () => {
  it.each([
    { argv: ['--etcd', '3.6.14', '--out', 'x'], want: { etcd: ['3.6.14'], out: 'x' } },
    { argv: ['--spec', 'a', '--spec=b', '--spec-dir', 'd'], want: { spec: ['a', 'b'], specDir: 'd' } },
    { argv: ['--services', 'kv, lease,,', '--int64', 'string', '--name', 'make'], want: { services: ['kv', 'lease'], int64: 'string', name: 'make' } },
    { argv: ['--no-config', '--no-download', '--cache-dir', 'c'], want: { config: false, download: false, cacheDir: 'c' } },
    { argv: ['--config', 'f.json', '--check', '--force'], want: { config: 'f.json', check: true, force: true } },
  ])('$argv', ({ argv, want }) => {
    expect(parseGenerateFlags(argv)).toEqual(want);
  });

  it.each([[['--bogus']], [['--int64', 'number']], [['-h']], [['--out']], [['positional']], [['--config', 'f', '--no-config']]])(
    '%j: left to the full CLI',
    (argv) => {
      expect(parseGenerateFlags(argv)).toBeUndefined();
    },
  );
});

describe('runNoOpFastPath', () => {
  it.each([[['--version']], [['compat', 'a', 'b']], [['generate', '--help']], [['generate', '--check', '--out', 'x']], [['generate', '--no-config', '--out', 'x']]])(
    '%j: not a no-op it can decide',
    async (argv) => {
      expect(await runNoOpFastPath(argv)).toBeUndefined();
    },
  );
});
