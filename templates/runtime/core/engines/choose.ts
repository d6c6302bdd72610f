// Which engine carries a client's requests: the caller's `engine`, else fetch (the given `fetch` or the global).
import type { ClientOptions, HttpEngine } from '../../types.js';
import { createFetchEngine } from './fetch.js';

export function chooseEngine(options: ClientOptions): HttpEngine {
  if (options.engine !== undefined) return options.engine;
  return createFetchEngine(options.fetch);
}
