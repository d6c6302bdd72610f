// The version/prefix cache: each endpoint's `GET /version`, asked once and shared, and the gateway prefix it
// implies (unless the prefix option fixes one). A failure is not cached, and a member that failed is asked again.
import type { ClientOptions, Ending, HttpEngine, Prefix } from '../types.js';
import { fetchServerVersion, prefixForVersion } from './endpoints.js';
import { createScope, raceSignal, type SignalSource } from './signals.js';
import { byteLimits } from '../wire/limits.js';

/** How long a version probe may take without the client's timeout option. */
export const DEFAULT_RETRY_DEADLINE_MS = 10_000;

export interface VersionCache {
  /** GET /version once per endpoint; a failure is not cached, so the next call probes again. */
  versionOf(endpoint: string): Promise<string>;
  /**
   * The prefix to send to `endpoint`: the option's, or the one its version serves (`from`'s signal bounds a probe).
   * A prefix already known is returned as it is, not in a promise: every call asks, and all but the first know it.
   */
  prefixOf(endpoint: string, from: SignalSource): Prefix | Promise<Prefix>;
  /** Drops a cached version (a failed probe, or a member that went away and may come back upgraded). */
  forget(endpoint: string, only?: Promise<string>): void;
}

export function createVersionCache(engine: HttpEngine, options: ClientOptions, closed: Ending): VersionCache {
  const versions = new Map<string, Promise<string>>();
  const prefixes = new Map<string, Prefix>();
  const { maxResponseBytes } = byteLimits(options);
  const cache: VersionCache = {
    versionOf(endpoint) {
      let version = versions.get(endpoint);
      if (version === undefined) {
        const scope = createScope([closed], options.timeoutMs ?? DEFAULT_RETRY_DEADLINE_MS);
        version = fetchServerVersion(engine, endpoint, { ...options.headers }, scope, maxResponseBytes).finally(() =>
          scope.dispose(),
        );
        const probe = version;
        probe.catch(() => cache.forget(endpoint, probe));
        versions.set(endpoint, probe);
      }
      return version;
    },
    prefixOf(endpoint, from) {
      const fixed = options.prefix;
      if (fixed !== undefined && fixed !== 'auto') return fixed;
      return prefixes.get(endpoint) ?? probePrefix(endpoint, from);
    },
    forget(endpoint, only) {
      if (only !== undefined && versions.get(endpoint) !== only) return;
      versions.delete(endpoint);
      prefixes.delete(endpoint);
    },
  };
  async function probePrefix(endpoint: string, from: SignalSource): Promise<Prefix> {
    const prefix = prefixForVersion(await raceSignal(cache.versionOf(endpoint), from.signal));
    prefixes.set(endpoint, prefix);
    return prefix;
  }
  return cache;
}
