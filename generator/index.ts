/** The programmatic API: `import { generate } from 'etcd-gateway-codegen'`. */
export { generate, type GenerateOptions, type GenerateResult, type GenerateStatus } from './generate.js';
export { OptionError, SpecError } from '../spec/errors.js';
export type { ApiModel } from '../spec/model.js';
export { loadConfig, type ConfigOptions, type LoadedConfig } from './config.js';
export { compat, type CompatOptions } from './compat/run.js';
export { compareModels } from './compat/compare.js';
export { formatReport, type CompatFormat } from './compat/command.js';
export { exitCodeFor, type DirectionOption, type FailOn } from './compat/report.js';
export type { Change, ChangeId, ClientImpact, CompatReport, CompatSide, Direction, Level, PrefixMode } from './compat/types.js';
export { mergeModels } from '../spec/merge.js';
/** The spec stage generate and compat share: resolve, read, validate, build, select services, merge. */
export { openApi, type OpenOptions, type OpenedApi } from '../spec/open.js';
