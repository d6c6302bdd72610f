/**
 * generate: the spec stage (spec/open.ts: resolve → read → validate → model → merge) → templates → format →
 * write (or check). The programmatic API and the CLI both call this. Heavy modules (swagger-parser, ts-morph,
 * prettier) load only when there is work to do. `--check` refuses specs of a version no digest pins.
 */
import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OptionError } from '../spec/errors.js';
import type { ApiModel } from '../spec/model.js';
import { openApi } from '../spec/open.js';
import type { ResolveOptions, SpecSet } from '../spec/resolve.js';
import type { DownloadProgress } from '../spec/download.js';
import type { EmitOptions } from '../templates/options.js';
import { bodyOf, computeDigest, computeOutputDigest, describeInputs, digestOf, generatorFingerprint, header, outputDigestOf } from './header.js';
import { optionName, readOptions, type ConfigOptions } from './options.js';
import { assertOwned, diffTree, readTree, writeAtomically, type OutputFile, type TreeDiff } from './write.js';

/** The options of one run: the config's options (docs in options.ts), `out` required, and the per-run switches. */
export interface GenerateOptions extends Readonly<Omit<ConfigOptions, 'specs' | 'etcd' | 'services' | 'out'>> {
  readonly specs?: readonly string[];
  readonly etcd?: readonly string[];
  readonly services?: readonly string[];
  /** The output directory (owned by the generator: replaced as a whole). */
  readonly out: string;
  /** Compare with what is on disk instead of writing. */
  readonly check?: boolean;
  /** Return the files without writing them. */
  readonly write?: boolean;
  /** Regenerate even when the digest says nothing changed. */
  readonly force?: boolean;
  /** Resolve an etcd version that is not found locally (default: download it, unless `download` is false). */
  readonly fetchVersion?: ResolveOptions['fetchVersion'];
  /** Told how a download goes (the CLI draws a progress line from it on a terminal). */
  readonly onProgress?: (progress: DownloadProgress) => void;
}

export type GenerateStatus = 'written' | 'unchanged' | 'generated' | 'check-passed' | 'check-failed';

export interface GenerateResult {
  readonly status: GenerateStatus;
  readonly out: string;
  /** The generated files (on the no-op path: as found on disk). */
  readonly files: readonly OutputFile[];
  readonly diff?: TreeDiff;
  readonly notes: readonly string[];
  readonly digest: string;
}

export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  const emitOptions = checkOptions(options);
  const api = await openApi({ ...options, requirePins: options.check === true });
  const { sets } = api;
  const notes = [...api.notes];
  const digest = await inputDigest(sets, emitOptions, options);
  const unchanged = mayBeNoOp(options) ? await readIfUpToDate(options.out, digest) : undefined;
  if (unchanged) return unchangedResult(options.out, unchanged, notes, digest);
  const existing = await readTree(options.out);
  const stages = await loadStages(options.cacheDir);
  const model = await api.model(stages.modules[1].reservedTypeNames());
  const files = await render(model, sets, emitOptions, digest, stages);
  notes.push(...model.notes);
  if (options.check) {
    const diff = diffTree(files, existing);
    const ok = diff.missing.length + diff.changed.length + diff.extra.length === 0;
    return { status: ok ? 'check-passed' : 'check-failed', out: options.out, files, diff, notes, digest };
  }
  if (options.write === false) return { status: 'generated', out: options.out, files, notes, digest };
  assertOwned(options.out, existing);
  await writeAtomically(options.out, files, existing);
  return { status: 'written', out: options.out, files, notes, digest };
}

/**
 * The no-op check alone, for the build-step case: the `unchanged` result when the output is up to date, else
 * undefined. It loads nothing heavy (no renderer, no spec parser), so a caller can decide before loading the rest.
 */
export async function findUpToDate(options: GenerateOptions): Promise<GenerateResult | undefined> {
  if (!mayBeNoOp(options)) return undefined;
  const emitOptions = checkOptions(options);
  // Never a download here: a version not cached means work to do, with the full CLI's progress line.
  const api = await openApi({ ...options, fetchVersion: cacheOnly(options) });
  const digest = await inputDigest(api.sets, emitOptions, options);
  const unchanged = await readIfUpToDate(options.out, digest);
  return unchanged && unchangedResult(options.out, unchanged, [...api.notes], digest);
}

const mayBeNoOp = (options: GenerateOptions): boolean => !options.check && !options.force && options.write !== false;

function unchangedResult(out: string, files: ReadonlyMap<string, string>, notes: string[], digest: string): GenerateResult {
  return { status: 'unchanged', out, files: [...files].map(([path, text]) => ({ path, text })), notes, digest };
}

/** The digest of inputs, options and generator that every output header carries. */
async function inputDigest(sets: readonly SpecSet[], emitOptions: EmitOptions, options: GenerateOptions): Promise<string> {
  const texts = new Map(sets.flatMap((s) => s.inputs.map((i) => [i.file, i.text ?? ''] as const)));
  const digestOptions = { int64: emitOptions.int64, clientName: emitOptions.clientName, services: options.services ?? null };
  return computeDigest({ sets, texts, options: digestOptions, fingerprint: await generatorFingerprint() });
}

/** An etcd version not found locally, from the download cache only (the user's resolver, or none, as given). */
function cacheOnly(options: GenerateOptions): ResolveOptions['fetchVersion'] {
  if (options.fetchVersion || options.download === false) return options.fetchVersion;
  return async (version) => {
    const { createSpecDownloader } = await import('../spec/download.js');
    const notFetched = (): Promise<Response> => Promise.reject(new Error('not in the download cache'));
    return createSpecDownloader({ cacheDir: options.cacheDir, pins: options.sha256, fetch: notFetched })(version);
  };
}

/** The API's check: the one every source's options get (options.ts), then what templates need. */
function checkOptions(options: GenerateOptions): EmitOptions {
  if (!options.out) throw new OptionError(optionName({ kind: 'api' }, 'out'), 'the output directory is required');
  const checked = readOptions(options as unknown as Record<string, unknown>, { kind: 'api' });
  return { int64: checked.int64 ?? 'bigint', clientName: checked.name ?? 'createClient' };
}

/**
 * The no-op path: the output as it is on disk when every file carries `digest` and the output digest still
 * matches what is there (nothing edited, deleted or added). index.ts is read first: when its header already
 * disagrees, the rest of the tree is not read here.
 */
async function readIfUpToDate(out: string, digest: string): Promise<Map<string, string> | undefined> {
  const index = readIfPresent(`${out}/index.ts`);
  if (index === undefined || digestOf(index) !== digest) return undefined;
  const expected = outputDigestOf(index);
  const existing = await readTree(out);
  for (const text of existing.values()) if (digestOf(text) !== digest || outputDigestOf(text) !== expected) return undefined;
  const actual = computeOutputDigest([...existing].map(([path, text]) => [path, bodyOf(text)] as const));
  return actual === expected ? existing : undefined;
}

/**
 * The stages after the digest check, loaded with the V8 code cache for ts-morph's TypeScript and prettier
 * (code-cache.ts); `flushCodeCache` once the run is done writes what the cache lacked.
 */
async function loadStages(cacheDir: string | undefined) {
  const { codeCacheDir, installCodeCache } = await import('./code-cache.js');
  const cache = installCodeCache(codeCacheDir(cacheDir));
  try {
    const [emit, manifest, format] = await Promise.all([import('../templates/emit.js'), import('../templates/runtime-manifest.js'), import('./format.js')]);
    return { modules: [emit, manifest] as const, format: format.loadFormatter(), flushCodeCache: cache.flush };
  } finally {
    cache.uninstall();
  }
}

type Stages = Awaited<ReturnType<typeof loadStages>>;

async function render(model: ApiModel, sets: readonly SpecSet[], emitOptions: EmitOptions, digest: string, stages: Stages): Promise<OutputFile[]> {
  const [{ emitFiles, RUNTIME_DIR }, { runtimeClosure }] = stages.modules;
  const formatted = await stages.format(emitFiles(model, emitOptions));
  stages.flushCodeCache();
  // The runtime files the generated code imports, and what they import in turn: a kv-only client ships no watch/.
  const sources = await readRuntime(RUNTIME_DIR);
  const runtime = runtimeClosure(formatted, sources).map((path) => ({ path: `runtime/${path}`, text: sources.get(path)! }));
  const bodies = [...formatted, ...runtime].sort((a, b) => (a.path < b.path ? -1 : 1));
  const inputs = describeInputs(sets.map((s) => ({ version: s.version, files: s.inputs.map((i) => i.basename) })));
  const top = header(inputs, digest, computeOutputDigest(bodies.map((f) => [f.path, f.text] as const)));
  return bodies.map((f) => ({ path: f.path, text: top + f.text }));
}

function readIfPresent(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Every runtime source by its path under runtime/ (`wire/bytes.ts`). */
async function readRuntime(dir: URL): Promise<Map<string, string>> {
  const path = fileURLToPath(dir);
  const names = (await readdir(path, { recursive: true }))
    .map((n) => n.split(sep).join('/'))
    .filter((n) => n.endsWith('.ts') && !n.endsWith('.d.ts') && !n.endsWith('.test.ts'));
  return new Map(await Promise.all(names.map(async (n) => [n, await readFile(`${path}/${n}`, 'utf8')] as const)));
}
