// Issue 19: what a real etcd refuses by size, as typed errors. A request over --max-request-bytes (1.5 MiB by
// default) is EtcdRequestTooLargeError with the size the client sent; a database over --quota-backend-bytes is
// EtcdNoSpaceError with the NOSPACE alarm raised, and the client's own API recovers from it: compact, defragment,
// disarm the alarm, and writes work again.
import { expect, it } from 'vitest';
import { describeEtcd } from '../helpers/etcd.js';
import { useEtcd } from '../helpers/fixture.js';
import { loadClient } from '../helpers/client.js';

const KiB = 1024;
const MiB = 1024 * KiB;

describeEtcd('a request over --max-request-bytes', () => {
  const fx = useEtcd();

  it.each([
    { value: 1.6 * MiB, what: '1.6 MiB (etcd: request is too large)' },
    { value: 2 * MiB, what: "2 MiB (gRPC: received message larger than max)" },
  ])('of $what is EtcdRequestTooLargeError carrying the request size', async ({ value }) => {
    const { EtcdRequestTooLargeError } = await loadClient();
    const client = fx.client;
    const error = await client.put('size/big', new Uint8Array(value)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EtcdRequestTooLargeError);
    const { requestBytes, message, operation, endpoint } = error as InstanceType<typeof EtcdRequestTooLargeError>;
    expect(message).toMatch(/request is too large|received message larger than max/);
    expect({ operation, endpoint }).toEqual({ operation: 'kv.put', endpoint: fx.etcd.url });
    // The JSON body: the value as base64 (4/3 of it) plus the key and the field names.
    expect(requestBytes).toBeGreaterThan((value * 4) / 3);
    expect(requestBytes).toBeLessThan((value * 4) / 3 + 200);
    // A value under the limit goes through.
    await expect(client.put('size/small', new Uint8Array(MiB))).resolves.toBeTypeOf('bigint');
  });
});

describeEtcd('a database over --quota-backend-bytes', () => {
  const fx = useEtcd({ extraArgs: ['--quota-backend-bytes=4194304'] });

  it('is EtcdNoSpaceError with the NOSPACE alarm; compact, defragment and disarm bring writes back', async () => {
    const { EtcdNoSpaceError } = await loadClient();
    const client = fx.client;
    const value = new Uint8Array(512 * KiB).fill(7);
    let full: unknown;
    for (let i = 0; i < 64 && full === undefined; i++) {
      await client.put('quota/k', value).catch((e: unknown) => (full = e));
    }
    expect(full).toBeInstanceOf(EtcdNoSpaceError);
    expect(full).toMatchObject({ codeName: 'RESOURCE_EXHAUSTED', operation: 'kv.put' });
    expect((full as Error).message).toMatch(/database space exceeded/);
    const alarms = await client.maintenance.alarm({ action: 'GET' });
    expect(alarms.alarms.map((a) => a.alarm)).toContain('NOSPACE');
    // Still full while the alarm is armed, even for a small write.
    await expect(client.put('quota/small', 'x')).rejects.toBeInstanceOf(EtcdNoSpaceError);

    const { header } = await client.kv.range({ key: 'quota/k' });
    await client.kv.compact({ revision: header?.revision ?? 0n, physical: true });
    await client.maintenance.defragment({});
    const status = await client.maintenance.status({});
    expect(status.dbSize).toBeLessThan(4 * MiB);
    for (const alarm of alarms.alarms) {
      await client.maintenance.alarm({ action: 'DEACTIVATE', memberID: alarm.memberID, alarm: alarm.alarm });
    }
    expect((await client.maintenance.alarm({ action: 'GET' })).alarms).toEqual([]);
    await expect(client.put('quota/small', 'x')).resolves.toBeTypeOf('bigint');
    expect(await client.getText('quota/small')).toBe('x');
  });
});
