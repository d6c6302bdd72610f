/**
 * The command line as a build step uses it: `generate --check` on this repository's generated/, the no-op fast
 * path (and what it notices), help, version and exit codes, and the progress line.
 */
import { execFile } from 'node:child_process';
import { appendFile, cp, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../generator/cli.js';
import { generate, type GenerateOptions } from '../../generator/generate.js';
import { packageVersion } from '../../generator/package-info.js';
import { createProgressLine } from '../../generator/progress.js';
import { readTree } from '../../generator/write.js';
import { repoRoot, specsDir } from '../helpers/specs.js';

const run = promisify(execFile);
let stdout: string;
let stderr: string;
let work: string;

beforeEach(async () => {
  stdout = stderr = '';
  work = await mkdtemp(join(tmpdir(), 'egc-cli-'));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
});
afterEach(async () => {
  vi.restoreAllMocks();
  vi.useRealTimers();
  await rm(work, { recursive: true, force: true });
});

describe('generate --check on generated/', () => {
  it('exits 0: the committed client is what the generator makes (else: npm run build && npm run generate)', async () => {
    // Flags only (no config file, no download), an absolute --out and --spec-dir: the same from any cwd or env.
    const argv = ['generate', '--no-config', '--no-download', '--etcd', '3.6.14', '--spec-dir', specsDir, '--out', join(repoRoot, 'generated'), '--check'];
    const code = await main(argv);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/generated is up to date \(\d+ files\)/);
  }, 60_000);
});

describe('--check and the no-op fast path on a copy', () => {
  const options = (out: string): GenerateOptions => ({ etcd: ['3.6.14'], specDir: specsDir, out, download: false });
  const cli = (out: string, ...more: string[]): Promise<number> =>
    main(['generate', '--no-config', '--etcd', '3.6.14', '--spec-dir', specsDir, '--out', out, ...more]);

  it('check: 0 on a fresh output, 1 and a short list once a file is edited, deleted or added; writes nothing', async () => {
    const out = join(work, 'out');
    expect((await generate(options(out))).status).toBe('written');
    expect(await cli(out, '--check')).toBe(0);

    await appendFile(join(out, 'models.ts'), '// a local edit\n');
    await unlink(join(out, 'runtime', 'wire', 'bytes.ts'));
    await writeFile(join(out, 'notes.txt'), 'mine');
    const before = await readTree(out);
    stderr = '';
    expect(await cli(out, '--check')).toBe(1);
    expect(stderr).toBe(`${out} is not what would be generated:\n  missing  runtime/wire/bytes.ts\n  changed  models.ts\n  extra    notes.txt\nRun the same command without --check to update it.\n`);
    expect(await readTree(out)).toEqual(before);
  }, 60_000);

  it('an unchanged output is left alone; an edited or deleted file under intact headers is regenerated', async () => {
    const out = join(work, 'out');
    const first = await generate(options(out));
    expect((await generate(options(out))).status).toBe('unchanged');

    await appendFile(join(out, 'services.ts'), '// a local edit\n');
    expect((await generate(options(out))).status).toBe('written');
    await unlink(join(out, 'runtime', 'errors.ts'));
    expect((await generate(options(out))).status).toBe('written');
    const tree = await readTree(out);
    expect(Object.fromEntries(tree)).toEqual(Object.fromEntries(first.files.map((f) => [f.path, f.text])));
    expect((await generate(options(out))).status).toBe('unchanged');
  }, 60_000);

  it('another option or another generator input means a new digest and a regeneration', async () => {
    const out = join(work, 'out');
    await generate(options(out));
    const strings = await generate({ ...options(out), int64: 'string' });
    expect(strings.status).toBe('written');
    expect((await readFile(join(out, 'models.ts'), 'utf8')).split('\n')[1]).toBe(`// etcd-gateway-codegen digest: ${strings.digest}`);
  }, 60_000);

  it('the no-op run loads neither ts-morph nor prettier nor swagger-parser, nor commander or compat', async () => {
    const out = join(work, 'out');
    await generate(options(out));
    const log = join(work, 'loads.log');
    const hooks = join(repoRoot, 'test/generator/fixtures/record-loads.mjs');
    const argv = ['--import', 'tsx', '--import', hooks, join(repoRoot, 'generator/bin.ts'), 'generate', '--no-config', '--etcd', '3.6.14', '--spec-dir', specsDir, '--out', out];
    const { stdout: said } = await run(process.execPath, argv, { cwd: repoRoot, env: { ...process.env, EGC_LOAD_LOG: log } });
    expect(said).toBe(`${out} is up to date; nothing to do\n`);
    const loaded = await readFile(log, 'utf8');
    expect(loaded).toContain('/generator/generate.ts');
    expect(loaded).not.toMatch(/node_modules\/(ts-morph|prettier|@apidevtools|commander)\//);
    expect(loaded).not.toMatch(/\/generator\/(cli|compat\/\w+)\.ts/);
    expect(loaded).not.toMatch(/\/templates\/emit\.ts|\/spec\/load\.ts|\/spec\/download\.ts/);

    await appendFile(join(out, 'index.ts'), '// edited\n');
    await writeFile(log, '');
    await run(process.execPath, argv, { cwd: repoRoot, env: { ...process.env, EGC_LOAD_LOG: log } });
    const real = await readFile(log, 'utf8'); // the recorder does see a real run, through the full CLI
    expect(real).toMatch(/node_modules\/ts-morph\//);
    expect(real).toMatch(/node_modules\/commander\//);
  }, 60_000);

  it('replaces output an older generator wrote under the old header (`— do not edit.`)', async () => {
    const out = join(work, 'out');
    const fresh = await generate(options(out));
    for (const file of fresh.files) {
      const [, , ...rest] = file.text.split('\n');
      const old = ['// Code generated by etcd-gateway-codegen from etcd v3.6.14 (rpc.swagger.json) — do not edit.', '// etcd-gateway-codegen digest: sha256:0', ...rest];
      await writeFile(join(out, ...file.path.split('/')), old.join('\n'));
    }
    expect((await generate(options(out))).status).toBe('written');
    expect(Object.fromEntries(await readTree(out))).toEqual(Object.fromEntries(fresh.files.map((f) => [f.path, f.text])));
  }, 60_000);

  it('refuses to replace a directory holding files it did not write (exit 2, nothing lost)', async () => {
    const out = join(work, 'mine');
    await cp(join(repoRoot, 'test/generator/fixtures'), out, { recursive: true });
    expect(await cli(out)).toBe(2);
    expect(stderr).toMatch(/was not written by etcd-gateway-codegen; refusing to replace/);
    expect((await readTree(out)).size).toBe(2);
  });
});

describe('help, version and exit codes', () => {
  it('--version prints the package version; exit 0', async () => {
    expect(await main(['--version'])).toBe(0);
    expect(stdout.trim()).toBe(packageVersion());
    expect(packageVersion()).toBe(JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')).version);
  });

  it.each([[['--help']], [['generate', '--help']], [['help', 'generate']]])('%j: usage with examples; exit 0', async (argv) => {
    expect(await main(argv)).toBe(0);
    expect(stdout).toMatch(/^Usage: etcd-gateway-codegen/);
    expect(stdout).toContain('Examples:');
    expect(stdout).toContain('$ etcd-gateway-codegen generate');
  });

  it.each([
    [['generate', '--etcd', '3.6.14', '--out', 'x', '--bogus'], /unknown option '--bogus'/],
    [['generate', '--etcd', '3.6.14', '--out', 'x', '--int64', 'number'], /argument 'number' is invalid\. Allowed choices are bigint, string/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['generate', '--no-config', '--etcd', '3.6.14'], /--out: the output directory is required: give --out/],
    [['generate', '--no-config', '--out', 'x'], /--spec: no input/],
    [['generate', '--no-config', '--etcd', 'latest', '--out', 'x'], /--etcd: "latest" is not an etcd version like 3\.6\.14/],
    [['generate', '--no-config', '--etcd', '3.6.14', '--spec-dir', specsDir, '--out', 'x', '--name', 'not-a-name'], /--name: "not-a-name" is not a JavaScript identifier/],
    [[], /Usage: etcd-gateway-codegen/],
  ])('%j: exit 2', async (argv, message) => {
    expect(await main(argv)).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('leaves process.exitCode as it was', async () => {
    const out = join(work, 'out');
    await generate({ etcd: ['3.6.14'], specDir: specsDir, out });
    await appendFile(join(out, 'models.ts'), '//\n');
    process.exitCode = undefined;
    expect(await main(['generate', '--no-config', '--etcd', '3.6.14', '--spec-dir', specsDir, '--out', out, '--check'])).toBe(1);
    expect(process.exitCode).toBeUndefined();
  }, 60_000);
});

describe('the progress line', () => {
  const tty = () => {
    const written: string[] = [];
    return { written, stream: { isTTY: true, write: (text: string) => written.push(text) } };
  };

  it('on a terminal: nothing for the first second, then one line redrawn in place, cleared when done', () => {
    vi.useFakeTimers();
    const { written, stream } = tty();
    const line = createProgressLine({ stream, env: {} });
    line.update('downloading 1 kB');
    vi.advanceTimersByTime(999);
    expect(written).toEqual([]);
    vi.advanceTimersByTime(1);
    line.update('downloading 2 kB');
    line.done();
    expect(written).toEqual(['\r\x1b[Kdownloading 1 kB', '\r\x1b[Kdownloading 2 kB', '\r\x1b[K']);
  });

  it('work done within a second draws nothing', () => {
    vi.useFakeTimers();
    const { written, stream } = tty();
    const line = createProgressLine({ stream, env: {} });
    line.update('downloading');
    line.done();
    vi.advanceTimersByTime(5_000);
    expect(written).toEqual([]);
  });

  it('quiet when not a terminal, and on CI', () => {
    vi.useFakeTimers();
    const pipe = { written: [] as string[] };
    const notTty = createProgressLine({ stream: { isTTY: false, write: (t: string) => pipe.written.push(t) }, env: {} });
    const { written, stream } = tty();
    const onCi = createProgressLine({ stream, env: { CI: 'true' } });
    for (const line of [notTty, onCi]) line.update('downloading');
    vi.advanceTimersByTime(5_000);
    expect([...pipe.written, ...written]).toEqual([]);
  });
});
