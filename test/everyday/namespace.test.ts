// client.namespace against a real etcd 3.4.23: two namespaces and the raw client side by side, across kv, txn,
// watch (POST and websocket), locks, elections and leases; "all keys" stays inside the namespace; namespaces nest.
import { expect, it } from 'vitest';
import { describeEtcd } from '../helpers/etcd.js';
import { currentServer } from '../helpers/servers.js';
import { useEtcd } from '../helpers/fixture.js';
import { countingWebSocket } from '../watch/helpers.js';
import { rawEntries, sleep, text, waitFor } from './helpers.js';

describeEtcd('client.namespace', () => {
  const fx = useEtcd();

  it('keeps kv reads, writes and deletes inside the namespace, keys relative to it', async () => {
    const raw = fx.newClient();
    const a = raw.namespace('ns1/a/');
    const b = raw.namespace('ns1/b/');
    await raw.put('ns1/a', 'beside a, not in it'); // a prefix-adjacent key outside both namespaces
    await raw.put('ns1/a0', 'also outside');
    await a.put('k', 'in a');
    await b.put('k', 'in b');
    await a.kv.put({ key: 'j', value: 'second in a' });
    expect(await rawEntries(raw, 'ns1/')).toEqual([
      ['ns1/a', 'beside a, not in it'],
      ['ns1/a/j', 'second in a'],
      ['ns1/a/k', 'in a'],
      ['ns1/a0', 'also outside'],
      ['ns1/b/k', 'in b'],
    ]);
    expect(await a.getText('k')).toBe('in a');
    expect(await b.getText('k')).toBe('in b');
    expect(await a.getText('j')).toBe('second in a');
    expect(await b.get('j')).toBeUndefined();

    // "All keys" is all keys of the namespace, and the keys come back relative.
    const all = await a.kv.range({ key: '\0', rangeEnd: '\0' });
    expect(all.kvs.map((kv) => text(kv.key))).toEqual(['j', 'k']);
    expect(all.count).toBe(2n);
    const fromJ = await a.kv.range({ key: 'j', rangeEnd: '\0' });
    expect(fromJ.kvs.map((kv) => text(kv.key))).toEqual(['j', 'k']);
    expect([...(await a.getPrefixText(''))]).toEqual([['j', 'second in a'], ['k', 'in a']]);

    // prev_kv answers are stripped too.
    const put = await a.kv.put({ key: 'k', value: 'again', prevKv: true });
    expect(text(put.prevKv?.key)).toBe('k');
    const deleted = await a.kv.deleteRange({ key: '\0', rangeEnd: '\0', prevKv: true });
    expect(deleted.deleted).toBe(2n);
    expect(deleted.prevKvs.map((kv) => text(kv.key))).toEqual(['j', 'k']);
    expect(await rawEntries(raw, 'ns1/')).toEqual([
      ['ns1/a', 'beside a, not in it'],
      ['ns1/a0', 'also outside'],
      ['ns1/b/k', 'in b'],
    ]);
    await b.put('x', '1');
    expect(await b.deletePrefix('')).toBe(2n); // empties the namespace only
    expect(await rawEntries(raw, 'ns1/')).toEqual([
      ['ns1/a', 'beside a, not in it'],
      ['ns1/a0', 'also outside'],
    ]);
  });

  it('namespaces nest and close the client they view', async () => {
    const raw = fx.newClient();
    const outer = raw.namespace('ns2/');
    const inner = outer.namespace('inner/');
    await inner.put('k', 'deep');
    expect(await rawEntries(raw, 'ns2/')).toEqual([['ns2/inner/k', 'deep']]);
    expect(await outer.getText('inner/k')).toBe('deep');
    expect([...(await inner.getPrefixText(''))]).toEqual([['k', 'deep']]);
    expect(inner.transport.keyspace?.root).toBe(raw.transport);
    inner.close();
    expect(raw.transport.closed.aborted).toBe(true);
  });

  it('rewrites txn compares, nested ops and every kind of response', async () => {
    const raw = fx.newClient();
    const a = raw.namespace('ns3/a/');
    await raw.put('ns3/k', 'outside'); // same relative key outside: compares must not see it
    await a.put('k', 'v1');
    await a.put('old', 'x');
    const response = await a.kv.txn({
      compare: [{ key: 'k', target: 'VALUE', result: 'EQUAL', value: 'v1' }],
      success: [
        { requestPut: { key: 'k', value: 'v2', prevKv: true } },
        { requestRange: { key: '\0', rangeEnd: '\0' } },
        { requestDeleteRange: { key: 'old', prevKv: true } },
        {
          requestTxn: {
            // etcd picks every branch before applying anything: this compares against 'v1', not the put above.
            compare: [{ key: 'k', target: 'VALUE', result: 'EQUAL', value: 'v2' }],
            success: [],
            failure: [{ requestPut: { key: 'nested', value: 'n', prevKv: true } }, { requestRange: { key: 'k' } }],
          },
        },
      ],
    });
    expect(response.succeeded).toBe(true);
    const [put, range, del, txn] = response.responses;
    expect(text(put?.responsePut?.prevKv?.key)).toBe('k');
    expect(range?.responseRange?.kvs.map((kv) => text(kv.key))).toEqual(['k', 'old']);
    expect(del?.responseDeleteRange?.prevKvs.map((kv) => text(kv.key))).toEqual(['old']);
    expect(txn?.responseTxn?.succeeded).toBe(false);
    expect(txn?.responseTxn?.responses[1]?.responseRange?.kvs.map((kv) => [text(kv.key), text(kv.value)])).toEqual([['k', 'v2']]);
    expect(await rawEntries(raw, 'ns3/')).toEqual([
      ['ns3/a/k', 'v2'],
      ['ns3/a/nested', 'n'],
      ['ns3/k', 'outside'],
    ]);

    // The builder on a namespace: the compare of the outer key 'k' ('outside') must not be what a sees.
    const built = await a.txn().if('k', 'value', '==', 'outside').then(fx.gen.Op.put('k', 'wrong')).else(fx.gen.Op.get('k')).commit();
    expect(built.succeeded).toBe(false);
    const got = built.results[0];
    expect(got?.type === 'get' && got.kvs.map((kv) => text(kv.key))).toEqual(['k']);
  });

  for (const transport of ['POST', 'websocket'] as const) {
    it(`watches only the namespace, keys stripped (${transport})`, async () => {
      const sockets = countingWebSocket();
      const raw = fx.newClient(transport === 'websocket' ? { WebSocket: sockets.WebSocket } : {});
      const a = raw.namespace(`ns4${transport}/a/`);
      const seen: string[] = [];
      const stop = new AbortController();
      const all = a.watchEvents({ key: '', rangeEnd: '\0', prevKv: true, signal: stop.signal });
      const watching = (async () => {
        for await (const event of all) {
          seen.push(`${event.type} ${text(event.kv?.key)} ${text(event.prevKv?.key)}`);
        }
      })().catch((error: unknown) => (stop.signal.aborted ? undefined : Promise.reject(error)));
      const prefixed: string[] = [];
      const stopPrefixed = new AbortController();
      const onPrefix = a.watchEvents({ key: 'p', prefix: true, signal: stopPrefixed.signal });
      const watchingPrefix = (async () => {
        for await (const event of onPrefix) prefixed.push(text(event.kv?.key));
      })().catch((error: unknown) => (stopPrefixed.signal.aborted ? undefined : Promise.reject(error)));
      await Promise.all([all.created, onPrefix.created]); // both watches exist on the server
      await raw.put(`ns4${transport}/a`, 'outside');
      await raw.put(`ns4${transport}/b/k`, 'other namespace');
      await a.put('k', '1');
      await a.put('k', '2');
      await a.put('p1', 'x');
      await raw.put(`ns4${transport}/a/p2`, 'y'); // written raw, seen in the namespace
      await a.delete('k');
      await waitFor(() => seen.length >= 5 && prefixed.length >= 2, 'the namespaced events');
      await sleep(200); // a quiet period: no event beyond the expected ones arrives
      stop.abort();
      stopPrefixed.abort();
      await Promise.all([watching, watchingPrefix]);
      expect(seen).toEqual(['PUT k ', 'PUT k k', 'PUT p1 ', 'PUT p2 ', 'DELETE k k']);
      expect(prefixed).toEqual(['p1', 'p2']);
      // The namespace's watches share the client's socket, where the client takes one (the server table).
      expect(sockets.sockets).toBe(transport === 'websocket' && currentServer().websocketCloseEndsStream ? 1 : 0);
    });
  }

  it('rewrites the raw watch stream too', async () => {
    const raw = fx.newClient();
    const a = raw.namespace('ns7/a/');
    const stop = new AbortController();
    const stream = a.watch.watch({ createRequest: { key: 'k', prevKv: true } }, { signal: stop.signal });
    const created = await stream.next();
    expect(created.value?.created).toBe(true);
    await raw.put('ns7/k', 'outside');
    await a.put('k', '1');
    await a.put('k', '2');
    const keys: string[] = [];
    for await (const response of stream) {
      for (const event of response.events) keys.push(`${text(event.kv?.key)}=${text(event.kv?.value)} prev ${text(event.prevKv?.key)}`);
      if (keys.length >= 2) break;
    }
    stop.abort();
    expect(keys).toEqual(['k=1 prev ', 'k=2 prev k']);
  });

  it('locks and elections by the same name in two namespaces are independent', async () => {
    const raw = fx.newClient();
    const [a, b] = [raw.namespace('ns5/a/'), raw.namespace('ns5/b/')];
    let bothHeld = false;
    await a.withLock('L', async (_signal, lockA) => {
      expect(text(lockA.key)).toMatch(/^L\/[0-9a-f]+$/);
      const rawKeys = (await rawEntries(raw, 'ns5/')).map(([k]) => k);
      expect(rawKeys).toEqual([`ns5/a/${text(lockA.key)}`]);
      await b.withLock('L', async () => {
        bothHeld = true; // b's lock is another lock: taken while a holds its own
      });
    });
    expect(bothHeld).toBe(true);
    expect(await rawEntries(raw, 'ns5/')).toEqual([]);

    const ea = a.leaderElection('e', { ttl: 5 });
    const eb = b.leaderElection('e', { ttl: 5 });
    const [la, lb] = await Promise.all([ea.campaign('leader a'), eb.campaign('leader b')]); // both win at once
    expect(text(la.key)).toMatch(/^e\//);
    const rawLeader = await raw.leaderElection('ns5/a/e').leader();
    expect(text(rawLeader?.value)).toBe('leader a');
    expect(text(rawLeader?.key)).toBe(`ns5/a/${text(la.key)}`);
    await ea.proclaim('leader a, again');
    const leaderA = await a.leaderElection('e').leader();
    expect([text(leaderA?.key), text(leaderA?.value)]).toEqual([text(la.key), 'leader a, again']);
    const observed: string[] = [];
    const stop = new AbortController();
    const observing = (async () => {
      for await (const leader of b.leaderElection('e').observe({ signal: stop.signal })) observed.push(leader === undefined ? 'no leader' : `${text(leader.key)} ${text(leader.value)}`);
    })().catch((error: unknown) => (stop.signal.aborted ? undefined : Promise.reject(error)));
    await waitFor(() => observed.length >= 1, 'b to observe its leader');
    stop.abort();
    await observing;
    expect(observed).toEqual([`${text(lb.key)} leader b`]);
    await ea.resign();
    await eb.resign();
    expect(await rawEntries(raw, 'ns5/')).toEqual([]);
  });

  it('iterate, stm and mirror work in a namespace', async () => {
    const raw = fx.newClient();
    const a = raw.namespace('ns8/a/');
    await raw.put('ns8/a', 'outside');
    await raw.put('ns8/b/x', 'outside');
    for (const k of ['x', 'y', 'z']) await a.put(k, k.toUpperCase());
    const keys: string[] = [];
    for await (const kv of a.iterate({ key: '\0', rangeEnd: '\0', pageSize: 1 })) keys.push(text(kv.key));
    expect(keys).toEqual(['x', 'y', 'z']);
    await a.stm(async (tx) => tx.put('sum', `${await tx.getText('x')}${await tx.getText('y')}`));
    expect(await raw.getText('ns8/a/sum')).toBe('XY');
    const mirror = a.mirror({ key: '', rangeEnd: '\0' });
    await mirror.ready;
    expect([...mirror.entries.keys()].sort()).toEqual(['sum', 'x', 'y', 'z']);
    await raw.put('ns8/a/w', 'W');
    await raw.put('ns8/c', 'outside');
    await waitFor(() => mirror.entries.has('w'), 'the mirror to see w');
    expect(mirror.entries.size).toBe(5);
    mirror.close();
  });

  it("lists only the namespace's keys of a lease", async () => {
    const raw = fx.newClient();
    const a = raw.namespace('ns6/a/');
    const { ID } = await raw.lease.grant({ TTL: 30 });
    await a.put('k', 'v', { lease: ID });
    await raw.put('ns6/outside', 'v', { lease: ID });
    const inA = await a.lease.timeToLive({ ID, keys: true });
    expect(inA.keys.map(text)).toEqual(['k']);
    const inRaw = await raw.lease.timeToLive({ ID, keys: true });
    expect(inRaw.keys.map(text).sort()).toEqual(['ns6/a/k', 'ns6/outside']);
    await raw.lease.revoke({ ID });
  });
});
