// The fetch engine: every request through the WHATWG fetch (the browser's, Deno's, Bun's, or one the caller
// gives). It is the engine wherever no faster one is chosen, and the one `ClientOptions.fetch` forces.
import type { ClientOptions, HttpEngine, HttpResponse } from '../../types.js';
import { announcesMore, readTextWithin, ReadLimitExceeded } from '../../wire/limits.js';
import { readerChunks } from '../../wire/ndjson.js';

const NO_CHUNKS: AsyncIterable<Uint8Array> = {
  [Symbol.asyncIterator]: () => ({ next: async () => ({ done: true, value: undefined }) }),
};

export function createFetchEngine(fetchImpl?: typeof fetch): HttpEngine {
  return {
    async send({ url, method, headers, body, signal }): Promise<HttpResponse> {
      // Called unbound (a browser's fetch needs no `this`); the global is read per call, as tests may replace it.
      const send = fetchImpl ?? globalThis.fetch;
      const response = await send(
        url,
        body === undefined ? { method, headers, signal } : { method, headers, body, signal },
      );
      return {
        status: response.status,
        header: (name) => response.headers.get(name),
        text: async (maxBytes = Infinity) => {
          if (maxBytes === Infinity) return response.text();
          if (announcesMore(response.headers.get('content-length'), maxBytes)) {
            await response.body?.cancel().catch(() => undefined);
            throw new ReadLimitExceeded(maxBytes);
          }
          return response.body === null ? '' : readTextWithin(readerChunks(response.body), maxBytes);
        },
        chunks: () => (response.body === null ? NO_CHUNKS : readerChunks(response.body)),
      };
    },
  };
}

/** The engine of a transport built without the engine layer: the caller's, else fetch; TLS options need the layer. */
export function fetchEngineFor(options: ClientOptions): HttpEngine {
  if (options.engine !== undefined) return options.engine;
  if (options.tls !== undefined) {
    throw new TypeError(
      'ClientOptions.tls needs the Node engine: build the transport with engineLayer (createClient has it)',
    );
  }
  return createFetchEngine(options.fetch);
}
