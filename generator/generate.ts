/**
 * generate: resolve → load → model → templates → format → write (or check). The programmatic API and the
 * CLI both call this. Heavy modules (swagger-parser, ts-morph, prettier) load only when there is work to do.
 */
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { OptionError, SpecError } from '../spec/errors.js';
import type { ApiModel } from '../spec/model.js';
import { isIdentifier } from '../spec/names.js';
import { resolveSpecSets, type ResolveOptions, type SpecSet } from '../spec/resolve.js';
import { computeDigest, describeInputs, digestOf, generatorFingerprint, header } from './header.js';
import { assertOwned, diffTree, readTree, writeAtomically, type OutputFile, type TreeDiff } from './write.js';

export interface GenerateOptions {
  /** Spec files or directories; a directory means every `*.swagger.json` in it. */
  readonly specs?: readonly string[];
  /** etcd versions whose specs are found under `specDir` / `ETCD_SPECS_DIR` (`v<version>/`). */
  readonly etcd?: readonly string[];
  readonly specDir?: string;
  /** The output directory (owned by the generator: replaced as a whole). */
  readonly out: string;
  /** Compare with what is on disk instead of writing. */
  readonly check?: boolean;
  /** Return the files without writing them. */
  readonly write?: boolean;
  /** Regenerate even when the digest says nothing changed. */
  readonly force?: boolean;
  readonly int64?: 'bigint' | 'string';
  /** Only these services (`kv,watch,lease`). */
  readonly services?: readonly string[];
  /** The client factory's name (default `createClient`). */
  readonly name?: string;
  /** Resolve an etcd version that is not found locally. */
  readonly fetchVersion?: ResolveOptions['fetchVersion'];
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
  const sets = await readInputs(await resolveSpecSets(options));
  const texts = new Map(sets.flatMap((s) => s.inputs.map((i) => [i.file, i.text ?? ''] as const)));
  const digestOptions = { int64: emitOptions.int64, clientName: emitOptions.clientName, services: options.services ?? null };
  const digest = computeDigest({ sets, texts, options: digestOptions, fingerprint: await generatorFingerprint() });
  const existing = await readTree(options.out);

  if (!options.check && !options.force && options.write !== false && isUpToDate(existing, digest)) {
    return { status: 'unchanged', out: options.out, files: [...existing].map(([path, text]) => ({ path, text })), notes: [], digest };
  }
  const { model, files } = await render(sets, emitOptions, options.services, digest);
  if (options.check) {
    const diff = diffTree(files, existing);
    const ok = diff.missing.length + diff.changed.length + diff.extra.length === 0;
    return { status: ok ? 'check-passed' : 'check-failed', out: options.out, files, diff, notes: model.notes, digest };
  }
  if (options.write === false) return { status: 'generated', out: options.out, files, notes: model.notes, digest };
  assertOwned(options.out, existing);
  await writeAtomically(options.out, files, existing);
  return { status: 'written', out: options.out, files, notes: model.notes, digest };
}

function checkOptions(options: GenerateOptions) {
  if (!options.out) throw new OptionError('--out', 'the output directory is required');
  const int64 = options.int64 ?? 'bigint';
  if (int64 !== 'bigint' && int64 !== 'string') throw new OptionError('--int64', `must be bigint or string, not ${JSON.stringify(int64)}`);
  const clientName = options.name ?? 'createClient';
  if (!isIdentifier(clientName)) throw new OptionError('--name', `${JSON.stringify(clientName)} is not a JavaScript identifier`);
  if (options.services && options.services.length === 0) throw new OptionError('--services', 'lists no service');
  return { int64, clientName } as const;
}

async function readInputs(sets: readonly SpecSet[]): Promise<SpecSet[]> {
  return Promise.all(
    sets.map(async (set) => ({
      ...set,
      inputs: await Promise.all(
        set.inputs.map(async (input) => {
          if (input.text !== undefined) return input;
          try {
            return { ...input, text: await readFile(input.file, 'utf8') };
          } catch (e) {
            throw new SpecError(input.file, '', `cannot read the spec: ${(e as Error).message}`);
          }
        }),
      ),
    })),
  );
}

function isUpToDate(existing: ReadonlyMap<string, string>, digest: string): boolean {
  if (!existing.has('index.ts')) return false;
  for (const text of existing.values()) if (digestOf(text) !== digest) return false;
  return true;
}

async function render(sets: readonly SpecSet[], emitOptions: { int64: 'bigint' | 'string'; clientName: string }, services: readonly string[] | undefined, digest: string) {
  const [{ loadSpecs }, { buildModel }, { mergeModels }, { emitFiles, RUNTIME_DIR }, { formatTypeScript }] = await Promise.all([
    import('../spec/load.js'),
    import('../spec/build-model.js'),
    import('../spec/merge.js'),
    import('../templates/emit.js'),
    import('./format.js'),
  ]);
  const models: ApiModel[] = [];
  for (const set of sets) models.push(buildModel(await loadSpecs(set.inputs), services ? { services } : {}));
  const model = models.length === 1 ? models[0]! : mergeModels(models);
  const formatted = await formatTypeScript(emitFiles(model, emitOptions));
  const runtime = await readRuntime(RUNTIME_DIR);
  const top = header(describeInputs(sets.map((s) => ({ version: s.version, files: s.inputs.map((i) => i.basename) }))), digest);
  const files = [...formatted, ...runtime].map((f) => ({ path: f.path, text: top + f.text })).sort((a, b) => (a.path < b.path ? -1 : 1));
  return { model, files };
}

async function readRuntime(dir: URL): Promise<OutputFile[]> {
  const path = fileURLToPath(dir);
  const names = (await readdir(path)).filter((n) => n.endsWith('.ts') && !n.endsWith('.d.ts') && !n.endsWith('.test.ts')).sort();
  return Promise.all(names.map(async (n) => ({ path: `runtime/${n}`, text: await readFile(`${path}/${n}`, 'utf8') })));
}
