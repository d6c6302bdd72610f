/** The programmatic API: `import { generate } from 'etcd-gateway-codegen'`. */
export { generate, type GenerateOptions, type GenerateResult, type GenerateStatus } from './generate.js';
export { OptionError, SpecError } from '../spec/errors.js';
export type { ApiModel } from '../spec/model.js';
export { loadConfig, type ConfigOptions, type LoadedConfig } from './config.js';
