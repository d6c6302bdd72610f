/** Loading one side of a comparison: spec paths and `etcd@<version>`s that together make one etcd version's API. */
import { OptionError } from '../../spec/errors.js';
import type { ApiModel } from '../../spec/model.js';
import { openApi, type OpenOptions } from '../../spec/open.js';
import { normalizeVersion, type SpecSet } from '../../spec/resolve.js';
import { specPrefixOf } from './prefixes.js';
import type { CompatSide } from './types.js';

/** How sides are opened: where specs live and how a missing version is downloaded and verified (as `generate` does). */
export type SideOptions = Pick<OpenOptions, 'specDir' | 'fetchVersion' | 'download' | 'cacheDir' | 'sha256'>;

export interface LoadedSide {
  readonly side: CompatSide;
  readonly model: ApiModel;
  /** What opening it told (the digests of an unpinned download). */
  readonly notes: readonly string[];
}

export async function loadSide(given: readonly string[], options: SideOptions): Promise<LoadedSide> {
  const etcd = given.filter((g) => g.startsWith('etcd@')).map((g) => normalizeVersion('etcd@<version>', g));
  const specs = given.filter((g) => !g.startsWith('etcd@'));
  const api = await openApi({ ...options, specs, etcd }).catch((e: unknown) => {
    // the spec stage names generate's flags; here the side was given as an argument.
    throw e instanceof OptionError && (e.option === '--etcd' || e.option === '--spec') ? new OptionError(given.join(' '), e.reason) : e;
  });
  if (api.sets.length !== 1) {
    throw new OptionError(given.join(' '), `one side must be one etcd version, but it holds ${api.sets.map((s) => s.version ?? '(unversioned)').join(', ')}`);
  }
  const model = await api.model();
  return { side: describeSide(given.join(' '), api.sets[0]!, model), model, notes: api.notes };
}

export function describeSide(label: string, set: SpecSet, model: ApiModel): CompatSide {
  return {
    label,
    version: set.version ?? null,
    files: set.inputs.map((i) => i.basename).sort(),
    prefix: specPrefixOf(model) ?? null,
  };
}
