/**
 * mergeModels: one model over several etcd versions (the union), each operation, field, enum value and
 * message marked with the versions that have it when not all do.
 */
import { OptionError } from './errors.js';
import type { ApiModel } from './model.js';

export function mergeModels(models: readonly ApiModel[]): ApiModel {
  if (models.length === 1) return models[0]!;
  throw new OptionError('--etcd', 'generating one client over several etcd versions is not implemented yet');
}
