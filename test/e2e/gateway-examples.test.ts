/**
 * Every curl example of etcd's "gRPC gateway" guide, reproduced through the generated client against a real
 * etcd, asserting decoded values: bytes as Uint8Array, int64 as bigint, omitted zero values filled back in.
 */
import { beforeAll, expect, it } from 'vitest';
import { describeEtcd } from '../helpers/etcd.js';
import { useEtcd, type Client } from '../helpers/fixture.js';

const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);

describeEtcd('the gateway guide, through the client', () => {
  const fx = useEtcd();
  let client: Client;
  beforeAll(() => {
    client = fx.client;
  });

  it('put foo=bar', async () => {
    const res = await client.kv.put({ key: 'foo', value: 'bar' });
    expect(res.header?.revision).toBeTypeOf('bigint');
    expect(res.header!.revision > 1n).toBe(true);
    expect(res.prevKv).toBeUndefined();
  });

  it('range foo', async () => {
    const res = await client.kv.range({ key: 'foo' });
    expect(res.count).toBe(1n);
    expect(res.more).toBe(false);
    expect(res.kvs).toHaveLength(1);
    const kv = res.kvs[0]!;
    expect(kv.key).toBeInstanceOf(Uint8Array);
    expect([text(kv.key), text(kv.value)]).toEqual(['foo', 'bar']);
    expect(kv.version).toBe(1n);
    expect(kv.lease).toBe(0n);
    expect(kv.createRevision).toBe(kv.modRevision);
  });

  it('range an absent key: zero values filled in (no kvs, count or more on the wire)', async () => {
    const res = await client.kv.range({ key: 'absent' });
    expect(res).toMatchObject({ kvs: [], count: 0n, more: false });
  });

  it('prefix range (key foo, range_end fop)', async () => {
    await client.kv.put({ key: 'foo1', value: new Uint8Array([0, 255, 1]) });
    await client.kv.put({ key: 'fop', value: 'outside' });
    const res = await client.kv.range({ key: 'foo', rangeEnd: fx.gen.prefixRangeEnd('foo') });
    expect(res.kvs.map((kv) => text(kv.key))).toEqual(['foo', 'foo1']);
    expect([...res.kvs[1]!.value]).toEqual([0, 255, 1]);
    expect(res.count).toBe(2n);
  });

  it('watch: created, then the event for a put (type PUT filled in)', async () => {
    const controller = new AbortController();
    const stream = client.watch.watch({ createRequest: { key: 'watched' } }, { signal: controller.signal });
    const first = await stream.next();
    expect(first.value).toMatchObject({ created: true, canceled: false, events: [] });
    const put = await client.kv.put({ key: 'watched', value: 'v1' });
    const second = await stream.next();
    expect(second.value!.events).toHaveLength(1);
    const event = second.value!.events[0]!;
    expect(event.type).toBe('PUT');
    expect(text(event.kv?.key)).toBe('watched');
    expect(event.kv?.modRevision).toBe(put.header!.revision);
    await stream.return();
    controller.abort();
  });

  it('txn with a CREATE compare', async () => {
    const created = (await client.kv.range({ key: 'foo' })).kvs[0]!.createRevision;
    const ok = await client.kv.txn({
      compare: [{ target: 'CREATE', key: 'foo', createRevision: created }],
      success: [{ requestPut: { key: 'foo', value: 'bar2' } }],
    });
    expect(ok.succeeded).toBe(true);
    expect(ok.responses[0]!.responsePut).toBeDefined();
    const failed = await client.kv.txn({
      compare: [{ target: 'CREATE', key: 'foo', createRevision: created + 1000n }],
      success: [{ requestPut: { key: 'foo', value: 'never' } }],
    });
    expect(failed.succeeded).toBe(false);
    expect(failed.responses).toEqual([]);
  });

  it('txn with a VERSION compare and a range in success', async () => {
    const version = (await client.kv.range({ key: 'foo' })).kvs[0]!.version;
    const res = await client.kv.txn({
      compare: [{ version, result: 'EQUAL', target: 'VERSION', key: 'foo' }],
      success: [{ requestRange: { key: 'foo' } }],
    });
    expect(res.succeeded).toBe(true);
    const range = res.responses[0]!.responseRange!;
    expect(text(range.kvs[0]!.value)).toBe('bar2');
    expect(range.count).toBe(1n);
    expect(range.header).toBeDefined(); // a nested txn's sub-header is {} on the wire
  });

  it('maintenance.snapshot() streams the decoded chunks as Uint8Array, the checksum chunk last', async () => {
    const { dbSize } = await client.maintenance.status(); // a request without fields may be left out
    const chunks: Uint8Array[] = [];
    for await (const chunk of client.maintenance.snapshot()) chunks.push(chunk);
    expect(chunks.every((c) => c instanceof Uint8Array)).toBe(true);
    expect(chunks.at(-1)).toHaveLength(32); // etcd's trailing SHA-256 of the database
    expect(BigInt(chunks.reduce((n, c) => n + c.length, 0) - 32)).toBe(dbSize);
    const responses = client.maintenance.snapshotResponses();
    const first = await responses.next();
    await responses.return(); // closes the stream
    expect(first.value?.blob).toBeInstanceOf(Uint8Array);
    expect(first.value?.remainingBytes).toBeTypeOf('bigint');
  });

  it('int64 never goes through a JS number: a lease ID above 2^53', async () => {
    const id = 2n ** 62n + 12345n;
    const grant = await client.lease.grant({ TTL: 60, ID: id });
    expect(grant.ID).toBe(id);
    expect(grant.TTL).toBe(60n);
    const ttl = await client.lease.timeToLive({ ID: id });
    expect(ttl.ID).toBe(id);
    await client.lease.revoke({ ID: id.toString() });
    const gone = await client.lease.timeToLive({ ID: id });
    expect(gone.TTL).toBe(-1n);
  });
});

describeEtcd('the auth flow of the guide', () => {
  const fx = useEtcd();

  it('root user, root role, grant, enable, authenticate, put with the token', async () => {
    const { etcd, gen } = fx;
    const admin = gen.createClient({ endpoints: etcd.url });
    await admin.auth.userAdd({ name: 'root', password: 'pass' });
    await admin.auth.roleAdd({ name: 'root' });
    await admin.auth.userGrantRole({ user: 'root', role: 'root' });
    await admin.auth.enable({});

    const anonymous = await admin.kv.put({ key: 'a', value: 'b' }).catch((e: unknown) => e);
    expect(anonymous).toBeInstanceOf(gen.EtcdError);
    expect(anonymous).toMatchObject({ codeName: 'INVALID_ARGUMENT', message: 'etcdserver: user name is empty' });

    const { token } = await admin.auth.authenticate({ name: 'root', password: 'pass' });
    expect(token).toMatch(/\S+\.\d+/);
    const withToken = gen.createClient({ endpoints: etcd.url, auth: { token } });
    const put = await withToken.kv.put({ key: 'a', value: 'b' });
    expect(put.header?.revision).toBeTypeOf('bigint');

    const withPassword = gen.createClient({ endpoints: etcd.url, auth: { name: 'root', password: 'pass' } });
    expect(text((await withPassword.kv.range({ key: 'a' })).kvs[0]?.value)).toBe('b');
  });
});
