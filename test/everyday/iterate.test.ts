// client.iterate against a real etcd 3.4.23: 1,200 keys read 7 at a time while writers add, change and delete
// keys under the same prefix; what comes out is exactly the range at the first page's revision, in key order.
import { expect, it } from 'vitest';
import { describeEtcd } from '../helpers/etcd.js';
import { useEtcd } from '../helpers/fixture.js';
import { sleep, text } from './helpers.js';

const KEYS = 1_200;
const PAGE = 7;

/** A fetch that counts range calls and keeps the header revision of the first one. */
function rangeSpy(): { fetch: typeof fetch; ranges: number; firstRevision: bigint | undefined } {
  const spy = {
    ranges: 0,
    firstRevision: undefined as bigint | undefined,
    fetch: (async (input, init) => {
      const response = await fetch(input, init);
      if (String(input).endsWith('/kv/range')) {
        spy.ranges++;
        if (spy.firstRevision === undefined) {
          const body = (await response.clone().json()) as { header?: { revision?: string } };
          spy.firstRevision = BigInt(body.header?.revision ?? '0');
        }
      }
      return response;
    }) as typeof fetch,
  };
  return spy;
}

describeEtcd('client.iterate', () => {
  const fx = useEtcd();

  it(`reads ${KEYS} keys in pages of ${PAGE} at one revision while writers change the prefix`, async () => {
    const writer = fx.newClient();
    const keys = Array.from({ length: KEYS }, (_, i) => `it/${String(i).padStart(5, '0')}`);
    for (let i = 0; i < KEYS; i += 100) {
      await writer.txn().then(...keys.slice(i, i + 100).map((k) => fx.gen.Op.put(k, `v0 ${k}`))).commit();
    }
    await writer.put('iu', 'just past the prefix');

    const spy = rangeSpy();
    const reader = fx.newClient({ fetch: spy.fetch });
    let writes = 0;
    let reading = true;
    const write = async (): Promise<void> => {
      for (let n = 0; reading; n++) {
        const victim = keys[(n * 37) % KEYS]!;
        if (n % 3 === 0) await writer.put(`it/${String(n % KEYS).padStart(5, '0')}x`, 'new'); // a new key between old ones
        else if (n % 3 === 1) await writer.put(victim, `changed ${n}`);
        else await writer.delete(victim);
        writes++;
        await sleep(1);
      }
    };
    const seen: [string, string, bigint][] = [];
    let writing: Promise<void> | undefined;
    for await (const kv of reader.iterate({ key: 'it/', prefix: true, pageSize: PAGE })) {
      writing ??= write(); // the writers start once the first page is in
      seen.push([text(kv.key), text(kv.value), kv.modRevision]);
      if (seen.length % PAGE === 0) await sleep(1); // a consumer that does some work per page: the writers run too
    }
    reading = false;
    await writing;

    const revision = spy.firstRevision!;
    const atRevision = await writer.kv.range({ key: 'it/', rangeEnd: 'it0', revision });
    expect(seen.map(([k, v]) => [k, v])).toEqual(atRevision.kvs.map((kv) => [text(kv.key), text(kv.value)]));
    expect(seen.length).toBe(KEYS); // every write came after the first page: the range is the original one
    expect(seen.map(([k]) => k)).toEqual(keys);
    for (const [, , modRevision] of seen) expect(modRevision).toBeLessThanOrEqual(revision);
    expect(spy.ranges).toBeGreaterThanOrEqual(Math.ceil(KEYS / PAGE));
    // The writers really raced the reader: many writes landed while it paged, and the prefix is different now.
    expect(writes).toBeGreaterThan(20);
    const now = await writer.getPrefixText('it/');
    expect([...now.keys()]).not.toEqual(keys);
  });

  it('reads a single key, a rangeEnd, a fixed revision, keys only, and stops early', async () => {
    const client = fx.newClient();
    const first = await client.put('single/a', '1');
    await client.put('single/b', '2');
    await client.put('single/a', '3');
    const collect = async (options: Parameters<typeof client.iterate>[0]): Promise<string[]> => {
      const out: string[] = [];
      for await (const kv of client.iterate(options)) out.push(`${text(kv.key)}=${text(kv.value)}`);
      return out;
    };
    expect(await collect({ key: 'single/a' })).toEqual(['single/a=3']);
    expect(await collect({ key: 'single/a', rangeEnd: 'single/b', pageSize: 1 })).toEqual(['single/a=3']);
    expect(await collect({ key: 'single/', prefix: true, pageSize: 1, revision: first })).toEqual(['single/a=1']);
    expect(await collect({ key: 'single/', prefix: true, keysOnly: true })).toEqual(['single/a=', 'single/b=']);
    for await (const kv of client.iterate({ key: 'single/', prefix: true, pageSize: 1 })) {
      expect(text(kv.key)).toBe('single/a');
      break;
    }
    await expect(collect({ key: 'single/', prefix: true, rangeEnd: 'x' })).rejects.toThrow(/either prefix or rangeEnd/);
    await client.kv.compact({ revision: first + 2n });
    await expect(collect({ key: 'single/', prefix: true, revision: first })).rejects.toBeInstanceOf(fx.gen.EtcdCompactedError);
  });
});
