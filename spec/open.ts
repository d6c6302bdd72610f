/**
 * The spec stage behind one call: resolve what the user named (files, directories, etcd versions, downloading
 * and verifying against the manifest or the user's SHA-256 pins), read the texts, and — only when asked — validate,
 * build one model per etcd version, select `--services` and merge. `generate` and `compat` both open their inputs
 * here. The texts come first and cheaply (the no-op regeneration decides from them); the heavy modules
 * (swagger-parser and the model builder) load only when `model()` is called.
 */
import { readFile } from 'node:fs/promises';
import type { DownloadProgress, PinnedDigests } from './download.js';
import { OptionError, SpecError } from './errors.js';
import type { ReadInput } from './load.js';
import type { ApiModel } from './model.js';
import { resolveSpecSets, type ResolveOptions, type SpecInput, type SpecSet } from './resolve.js';

export interface OpenOptions {
  /** Spec files or directories; a directory means every `*.swagger.json` in it. */
  readonly specs?: readonly string[] | undefined;
  /** etcd versions, found under `specDir` (`v<version>/`), else among the shipped copies (shipped.ts), else downloaded. */
  readonly etcd?: readonly string[] | undefined;
  readonly specDir?: string | undefined;
  /** Read the spec files shipped with the package for a manifest version (default true). */
  readonly shipped?: boolean | undefined;
  /** Only these services (by client property or tag, case-insensitive). */
  readonly services?: readonly string[] | undefined;
  /** Resolve a version not found under `specDir` yourself (default: a verified download, unless `download` is false). */
  readonly fetchVersion?: ResolveOptions['fetchVersion'];
  readonly download?: boolean | undefined;
  readonly cacheDir?: string | undefined;
  /** SHA-256 digests to hold downloads to, by etcd version then spec name. */
  readonly sha256?: PinnedDigests | undefined;
  /** Refuse a downloaded version neither the manifest nor `sha256` pins (`generate --check`). */
  readonly requirePins?: boolean | undefined;
  readonly onProgress?: ((progress: DownloadProgress) => void) | undefined;
}

/** One etcd version's inputs, each with its text. */
export interface ReadSet extends SpecSet {
  readonly inputs: readonly ReadInput[];
}

export interface OpenedApi {
  /** One set per etcd version, every input with its text. */
  readonly sets: readonly ReadSet[];
  /** What a user should know (the digests of a download no pin verified). */
  readonly notes: readonly string[];
  /**
   * Validate, build, select the services and merge: the model of the whole API (built once). `reservedNames`: the
   * names the generated code exports besides the models (the generator passes the runtime's), which models avoid.
   */
  model(reservedNames?: ReadonlySet<string>): Promise<ApiModel>;
}

export async function openApi(options: OpenOptions): Promise<OpenedApi> {
  if (options.services && options.services.length === 0) throw new OptionError('--services', 'lists no service');
  const notes: string[] = [];
  const sets = await readTexts(await resolveSpecSets({ ...options, fetchVersion: fetcher(options, notes) }));
  let built: Promise<ApiModel> | undefined;
  return { sets, notes, model: (reservedNames) => (built ??= buildApi(sets, options.services, reservedNames)) };
}

/** The default for an etcd version not found locally: a verified download into the user cache (loaded lazily). */
function fetcher(options: OpenOptions, notes: string[]): ResolveOptions['fetchVersion'] {
  if (options.fetchVersion || options.download === false) return options.fetchVersion;
  return async (version) => {
    const { createSpecDownloader } = await import('./download.js');
    const download = createSpecDownloader({
      cacheDir: options.cacheDir,
      pins: options.sha256,
      requirePins: options.requirePins,
      onProgress: options.onProgress,
      onNote: (note) => notes.push(note),
    });
    return download(version);
  };
}

async function readTexts(sets: readonly SpecSet[]): Promise<ReadSet[]> {
  const read = async (input: SpecInput): Promise<ReadInput> => {
    if (input.text !== undefined) return { ...input, text: input.text };
    try {
      return { ...input, text: await readFile(input.file, 'utf8') };
    } catch (e) {
      throw new SpecError(input.file, '', `cannot read the spec: ${(e as Error).message}`);
    }
  };
  return Promise.all(sets.map(async (set) => ({ ...set, inputs: await Promise.all(set.inputs.map(read)) })));
}

async function buildApi(sets: readonly ReadSet[], services: readonly string[] | undefined, reservedNames: ReadonlySet<string> | undefined): Promise<ApiModel> {
  const [{ loadSpecs }, { buildModel, serviceNames }, { mergeModels }] = await Promise.all([import('./load.js'), import('./build-model.js'), import('./merge.js')]);
  const loaded = await Promise.all(sets.map((set) => loadSpecs(set.inputs)));
  if (services) assertServicesExist(services, loaded.flatMap(serviceNames));
  const models = loaded.map((specs) => buildModel(specs, { ...(services ? { services } : {}), ...(reservedNames ? { reservedNames } : {}) }));
  return models.length === 1 ? models[0]! : mergeModels(models);
}

/** Each `--services` entry must name a service of some version (its tag or client property): a typo would silently drop it. */
function assertServicesExist(wanted: readonly string[], known: readonly { readonly name: string; readonly property: string }[]): void {
  const names = new Set(known.flatMap((s) => [s.name.toLowerCase(), s.property.toLowerCase()]));
  const missing = wanted.filter((w) => !names.has(w.toLowerCase()));
  if (missing.length === 0) return;
  const all = [...new Set(known.map((s) => s.property))].sort().join(', ');
  throw new OptionError('--services', `${missing.map((m) => JSON.stringify(m)).join(', ')} ${missing.length > 1 ? 'are not services' : 'is not a service'} of this API; the services are ${all}`);
}
