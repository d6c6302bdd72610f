// How a client picks its engine: `engine` wins, `fetch` forces fetch, the Node engine wherever the runtime hands
// out node:http (process.getBuiltinModule), else the global fetch; `tls` where it cannot apply is a TypeError.
// Also runs in the `fetch-engine` project (getBuiltinModule hidden), where the default must be fetch.
import { afterEach, describe, expect, it } from 'vitest';
import { chooseEngine } from '../../templates/runtime/core/engines/choose.js';
import { nodeEngineAvailable } from '../../templates/runtime/core/engines/node.js';
import { engineLayer } from '../../templates/runtime/core/layers.js';
import { createTransport, type TransportLayers } from '../../templates/runtime/core/transport.js';
import type { HttpEngine, OperationDescriptor } from '../../templates/runtime/types.js';

const RANGE: OperationDescriptor = { name: 'kv.range', route: '/kv/range', safety: 'read' };
const original = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = original;
});

/**
 * Which engine a transport sends through (by default one built like createClient's, with the engine layer): a
 * stubbed global fetch sees the call only on the fetch engine.
 */
async function defaultEngineIsFetch(layers: TransportLayers = engineLayer): Promise<boolean> {
  let viaFetch = false;
  globalThis.fetch = (async () => {
    viaFetch = true;
    return new Response('{"count":"0"}', { status: 200 });
  }) as typeof fetch;
  // Port 1 refuses: the Node engine fails there, the stubbed fetch answers.
  const t = createTransport({ endpoints: 'http://127.0.0.1:1', prefix: '/v3' }, layers);
  try {
    await t.unary(RANGE, {}).catch(() => undefined);
  } finally {
    t.close();
  }
  return viaFetch;
}

describe('engine choice', () => {
  const builtins = typeof (process as { getBuiltinModule?: unknown }).getBuiltinModule === 'function';

  it(`defaults to ${builtins ? 'the Node engine' : 'fetch'} here (getBuiltinModule ${builtins ? 'present' : 'hidden'})`, async () => {
    expect(nodeEngineAvailable()).toBe(builtins);
    expect(await defaultEngineIsFetch()).toBe(!builtins);
  });

  it('without the engine layer, a transport sends through fetch everywhere (a small browser bundle)', async () => {
    expect(await defaultEngineIsFetch({})).toBe(true);
  });

  it('uses a given engine as is, and a given fetch', async () => {
    const engine: HttpEngine = { send: async () => ({ status: 200, header: () => null, text: async () => '{}', chunks: () => [] as never }) };
    expect(chooseEngine({ endpoints: 'http://a', engine, tls: { ca: 'x' } })).toBe(engine);
    let called = '';
    const given = chooseEngine({ endpoints: 'http://a', fetch: (async (url: string) => ((called = url), new Response('{}'))) as typeof fetch });
    await given.send({ url: 'http://a/version', method: 'GET', headers: {}, signal: new AbortController().signal });
    expect(called).toBe('http://a/version');
  });

  it('refuses tls with a given fetch', () => {
    expect(() => chooseEngine({ endpoints: 'https://a', fetch: original, tls: { ca: 'x' } })).toThrow(
      /ClientOptions.tls does not apply to a fetch you give/,
    );
  });

  it.runIf(!builtins)('refuses tls where there is no node:https (a browser owns TLS)', () => {
    expect(() => chooseEngine({ endpoints: 'https://a', tls: { ca: 'x' } })).toThrow(TypeError);
    expect(() => chooseEngine({ endpoints: 'https://a', tls: { ca: 'x' } })).toThrow(/not available in this runtime: a browser owns TLS/);
  });
});
