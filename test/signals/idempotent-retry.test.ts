// CallOptions.idempotent against a real etcd 3.4.23: a write whose connection breaks after it reached the server
// is not sent again by default (it may have been applied), and is sent again when the caller declares it
// idempotent; idempotent writes ride through a member restart. The broken connection is injected by the fetch
// the client is given (the request really reaches etcd, the answer is replaced by a reset): no etcd here can
// reset a connection after applying a write on demand.
import { expect, it } from 'vitest';
import { describeEtcd } from '../helpers/etcd.js';
import { useEtcd } from '../helpers/fixture.js';
import { sleep, waitFor } from '../helpers/wait.js';

/** A fetch that sends the first `count` puts to etcd, waits for etcd's answer, then reports a reset instead. */
function resettingFetch(count: number): { fetch: typeof fetch; resets: () => number } {
  let resets = 0;
  const wrapped: typeof fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const response = await fetch(input, init);
    if (!url.endsWith('/kv/put') || resets >= count) return response;
    await response.arrayBuffer(); // etcd applied it
    resets += 1;
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    throw new TypeError('fetch failed', { cause: reset });
  };
  return { fetch: wrapped, resets: () => resets };
}

describeEtcd('idempotent writes (CallOptions.idempotent)', () => {
  const fx = useEtcd();

  it('by default, a write that may have reached the server is not sent again', async () => {
    const injected = resettingFetch(1);
    const client = fx.newClient({ fetch: injected.fetch, retry: { initialBackoffMs: 10 } });
    await expect(client.kv.put({ key: 'idem/default', value: 'v' })).rejects.toThrow(/may have reached the server/);
    expect(injected.resets()).toBe(1);
    const { kvs } = await fx.client.kv.range({ key: 'idem/default' });
    expect(kvs[0]?.version).toBe(1n); // applied once, not retried
  });

  it('with idempotent: true, the write is sent again until it is answered', async () => {
    const injected = resettingFetch(2);
    const client = fx.newClient({ fetch: injected.fetch, retry: { initialBackoffMs: 10 } });
    const put = await client.kv.put({ key: 'idem/declared', value: 'v' }, { idempotent: true });
    expect(injected.resets()).toBe(2);
    const { kvs } = await fx.client.kv.range({ key: 'idem/declared' });
    expect(kvs[0]?.version).toBe(3n); // applied by each of the three attempts: it did reach the server
    expect(kvs[0]?.modRevision).toBe(put.header!.revision);
  });

  it('idempotent: true on a read changes nothing, and false keeps the default', async () => {
    const injected = resettingFetch(1);
    const client = fx.newClient({ fetch: injected.fetch, retry: { initialBackoffMs: 10 } });
    await expect(client.kv.put({ key: 'idem/false', value: 'v' }, { idempotent: false })).rejects.toThrow(
      /may have reached the server/,
    );
    await expect(client.kv.range({ key: 'idem/false' }, { idempotent: true })).resolves.toBeDefined();
  });

  it('idempotent writes all succeed through a member restart', async () => {
    const client = fx.newClient({ retry: { deadlineMs: 20_000, initialBackoffMs: 20, maxBackoffMs: 200 } });
    let written = 0;
    const stop = { now: false };
    const writer = (async () => {
      while (!stop.now) {
        await client.kv.put({ key: 'idem/restart', value: String(written) }, { idempotent: true });
        written += 1;
      }
    })();
    await waitFor(() => written > 0, { what: 'a first put' });
    await fx.etcd.kill();
    await sleep(300); // the server stays down a while: puts meet refused connections
    await fx.etcd.restart();
    const afterRestart = written;
    await waitFor(() => written > afterRestart, { what: 'a put after the restart' });
    stop.now = true;
    await writer; // no put rejected
    expect(written).toBeGreaterThan(afterRestart);
    const { kvs } = await fx.client.kv.range({ key: 'idem/restart' });
    expect(kvs[0]?.value && fx.gen.bytesToText(kvs[0].value)).toBe(String(written - 1));
  }, 30_000);
});
