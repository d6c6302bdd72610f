// Which engine carries a client's requests, decided at run time so the same generated files serve Node and
// browsers: the caller's `engine`; else fetch when `fetch` is given; else the Node engine (node:http keep-alive
// agents, ~4× less client CPU per call than fetch) wherever the runtime hands out node:http synchronously (Node
// ≥ 20.16, Bun, Deno 2: process.getBuiltinModule); else the global fetch (browsers).
import type { ClientOptions, HttpEngine } from '../../types.js';
import { createFetchEngine } from './fetch.js';
import { createNodeEngine, nodeEngineAvailable } from './node.js';

export function chooseEngine(options: ClientOptions): HttpEngine {
  if (options.engine !== undefined) return options.engine;
  const { tls } = options;
  if (options.fetch !== undefined) {
    if (tls !== undefined) {
      throw new TypeError(
        'ClientOptions.tls does not apply to a fetch you give (it carries its own TLS): drop one of them',
      );
    }
    return createFetchEngine(options.fetch);
  }
  if (nodeEngineAvailable()) return createNodeEngine(tls);
  if (tls !== undefined) {
    throw new TypeError(
      'ClientOptions.tls is not available in this runtime: a browser owns TLS (trust comes from the system, client ' +
        'certificates from the browser); drop the option',
    );
  }
  return createFetchEngine();
}
