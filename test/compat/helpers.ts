/** Models of the shared specs for compat tests, built once per version. */
import type { ApiModel } from '../../spec/model.js';
import { openApi } from '../../spec/open.js';
import { compareModels, subjectOf } from '../../generator/compat/compare.js';
import type { ContextOptions } from '../../generator/compat/context.js';
import type { Change } from '../../generator/compat/types.js';
import { specsDir } from '../helpers/specs.js';

const cache = new Map<string, Promise<ApiModel>>();

export function modelOf(version: string): Promise<ApiModel> {
  let model = cache.get(version);
  if (!model) {
    model = openApi({ etcd: [version], specDir: specsDir, download: false }).then((api) => api.model());
    cache.set(version, model);
  }
  return model;
}

export async function changesBetween(old: string, next: string, options: ContextOptions = {}): Promise<readonly Change[]> {
  return compareModels(await modelOf(old), await modelOf(next), options).changes;
}

/** `id subject A B`: one row of an expected-findings table. */
export type Row = readonly [id: string, subject: string, a: string, b: string];

export function rowsOf(changes: readonly Change[]): Row[] {
  return changes.map((c) => [c.id, subjectOf(c), c.level.A, c.level.B] as const).sort(byRow);
}

export function byRow(x: Row, y: Row): number {
  const a = x.join('\u0000');
  const b = y.join('\u0000');
  return a < b ? -1 : a > b ? 1 : 0;
}
