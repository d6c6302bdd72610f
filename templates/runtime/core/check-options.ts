// The transport's option checks: every ClientOptions value a transport reads, checked once when it is created
// (TypeError/RangeError naming the option), and the layers an option needs.
import type { ClientOptions } from '../types.js';

/** Which optional layers the transport was built with (an option whose layer is missing is refused). */
export interface LayersPresent {
  readonly auth?: unknown;
  readonly autoSync?: unknown;
  readonly observe?: unknown;
}

const PREFIXES: readonly string[] = ['auto', '/v3', '/v3beta', '/v3alpha'];

export function checkOptions(options: ClientOptions, layers: LayersPresent): void {
  for (const [option, name, layer] of [
    ['auth', 'authLayer', layers.auth],
    ['autoSyncIntervalMs', 'autoSyncLayer', layers.autoSync],
    ['observe', 'observeLayer', layers.observe],
  ] as const) {
    if (options[option] !== undefined && layer === undefined) {
      throw new TypeError(
        `ClientOptions.${option} needs ${name}: createTransport(options, { ...${name} }) (createClient has it)`,
      );
    }
  }
  checkTimeout(options.autoSyncIntervalMs, 'ClientOptions.autoSyncIntervalMs');
  checkTimeout(options.timeoutMs, 'ClientOptions.timeoutMs');
  checkTimeout(options.retry?.deadlineMs, 'ClientOptions.retry.deadlineMs');
  checkTimeout(options.retry?.initialBackoffMs, 'ClientOptions.retry.initialBackoffMs');
  checkTimeout(options.retry?.maxBackoffMs, 'ClientOptions.retry.maxBackoffMs');
  const prefix = options.prefix;
  if (prefix !== undefined && !PREFIXES.includes(prefix)) {
    throw new TypeError(`ClientOptions.prefix ${JSON.stringify(prefix)} is not 'auto', '/v3', '/v3beta' or '/v3alpha'`);
  }
}

/** A duration option: undefined or a positive, finite number of milliseconds. */
export function checkTimeout(ms: number | undefined, name: string): void {
  if (ms !== undefined && !(Number.isFinite(ms) && ms > 0)) {
    throw new RangeError(`${name} must be a positive number of milliseconds, got ${String(ms)}`);
  }
}
