// The fetch engine: every request through the WHATWG fetch (the browser's, Deno's, Bun's, or one the caller
// gives). It is the engine wherever no faster one is chosen, and the one `ClientOptions.fetch` forces.
import type { HttpEngine, HttpResponse } from '../../types.js';
import { readerChunks } from '../../wire/ndjson.js';

const NO_CHUNKS: AsyncIterable<Uint8Array> = { [Symbol.asyncIterator]: () => ({ next: async () => ({ done: true, value: undefined }) }) };

export function createFetchEngine(fetchImpl?: typeof fetch): HttpEngine {
  return {
    async send({ url, method, headers, body, signal }): Promise<HttpResponse> {
      // Called unbound (a browser's fetch needs no `this`); the global is read per call, as tests may replace it.
      const send = fetchImpl ?? globalThis.fetch;
      const response = await send(url, body === undefined ? { method, headers, signal } : { method, headers, body, signal });
      return {
        status: response.status,
        header: (name) => response.headers.get(name),
        text: () => response.text(),
        chunks: () => (response.body === null ? NO_CHUNKS : readerChunks(response.body)),
      };
    },
  };
}
