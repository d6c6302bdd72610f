/** Loading one side of a comparison: spec paths and `etcd@<version>`s that together make one etcd version's API. */
import { OptionError } from '../../spec/errors.js';
import type { ApiModel } from '../../spec/model.js';
import { normalizeVersion, resolveSpecSets, type ResolveOptions, type SpecSet } from '../../spec/resolve.js';
import { specPrefixOf } from './prefixes.js';
import type { CompatSide } from './types.js';

export interface SideOptions {
  readonly specDir?: string | undefined;
  readonly fetchVersion?: ResolveOptions['fetchVersion'];
}

export interface LoadedSide {
  readonly side: CompatSide;
  readonly model: ApiModel;
}

export async function loadSide(given: readonly string[], options: SideOptions): Promise<LoadedSide> {
  const versions = given.filter((g) => g.startsWith('etcd@')).map((g) => normalizeVersion('etcd@<version>', g));
  const paths = given.filter((g) => !g.startsWith('etcd@'));
  const sets = await resolveSpecSets({ specs: paths, etcd: versions, specDir: options.specDir, fetchVersion: options.fetchVersion }).catch((e: unknown) => {
    // resolve names generate's flags; here the side was given as an argument.
    throw e instanceof OptionError && (e.option === '--etcd' || e.option === '--spec') ? new OptionError(given.join(' '), e.reason) : e;
  });
  if (sets.length !== 1) {
    throw new OptionError(given.join(' '), `one side must be one etcd version, but it holds ${sets.map((s) => s.version ?? '(unversioned)').join(', ')}`);
  }
  const model = await modelOf(sets[0]!);
  return { side: describeSide(given.join(' '), sets[0]!, model), model };
}

export async function modelOf(set: SpecSet): Promise<ApiModel> {
  const [{ loadSpecs }, { buildModel }] = await Promise.all([import('../../spec/load.js'), import('../../spec/build-model.js')]);
  return buildModel(await loadSpecs(set.inputs));
}

export function describeSide(label: string, set: SpecSet, model: ApiModel): CompatSide {
  return {
    label,
    version: set.version ?? null,
    files: set.inputs.map((i) => i.basename).sort(),
    prefix: specPrefixOf(model) ?? null,
  };
}
