// The everyday verbs, the txn builder and the typed answers against a real etcd 3.4.23.
import { expect, it } from 'vitest';
import { describeEtcd } from '../helpers/etcd.js';
import { useEtcd } from '../helpers/fixture.js';
import { text } from './helpers.js';

describeEtcd('everyday verbs', () => {
  const fx = useEtcd();

  it('get, getText, getPrefix, put, delete and deletePrefix', async () => {
    const c = fx.newClient();
    expect(await c.get('verbs/missing')).toBeUndefined();
    expect(await c.getText('verbs/missing')).toBeUndefined();
    const r1 = await c.put('verbs/a', 'text');
    const r2 = await c.put('verbs/b', new Uint8Array([0, 255]));
    expect(r2).toBe(r1 + 1n);
    await c.put('verbs/c', '');
    await c.put('verbsX', 'outside the prefix');
    expect(await c.getText('verbs/a')).toBe('text');
    expect(await c.get('verbs/b')).toEqual(new Uint8Array([0, 255]));
    expect(await c.getText('verbs/c')).toBe(''); // an empty value is a value, not undefined
    expect(await c.getText('verbs/a', { revision: r1 - 1n })).toBeUndefined();
    expect([...(await c.getPrefixText('verbs/'))]).toEqual([
      ['verbs/a', 'text'],
      ['verbs/b', '\u0000\ufffd'],
      ['verbs/c', ''],
    ]);
    expect([...(await c.getPrefix('verbs/', { limit: 1 }))]).toEqual([['verbs/a', new TextEncoder().encode('text')]]);
    const { ID } = await c.lease.grant({ TTL: 30 });
    await c.put('verbs/leased', 'x', { lease: ID });
    expect((await c.lease.timeToLive({ ID, keys: true })).keys.map(text)).toEqual(['verbs/leased']);
    expect(await c.delete('verbs/a')).toBe(true);
    expect(await c.delete('verbs/a')).toBe(false);
    expect(await c.deletePrefix('verbs/')).toBe(3n);
    expect(await c.getText('verbsX')).toBe('outside the prefix');
    await expect(c.deletePrefix('')).rejects.toThrow(/would delete every key/);
    await expect(c.namespace('').deletePrefix('')).rejects.toThrow(/would delete every key/);
  });

  it('txn builder: comparisons on every target, both branches, typed results', async () => {
    const c = fx.newClient();
    const { Op, Cmp } = fx.gen;
    const created = await c.put('txn/k', 'v1');
    const { ID } = await c.lease.grant({ TTL: 30 });
    await c.put('txn/leased', 'x', { lease: ID });
    const ok = await c
      .txn()
      .if('txn/k', 'value', '==', 'v1')
      .if('txn/k', 'version', '==', 1)
      .if('txn/k', 'create', '==', created)
      .if('txn/k', 'mod', '<', created + 1n)
      .if(Cmp.lease('txn/leased', '==', ID), Cmp.value('txn/k', '!=', 'other'))
      .then(
        Op.put('txn/k', 'v2', { prevKv: true }),
        Op.get('txn/', { prefix: true }),
        Op.delete('txn/leased', { prevKv: true }),
        Op.txn((t) => t.if('txn/k', 'value', '==', 'nope').else(Op.put('txn/nested', 'n'), Op.get('txn/k'))),
      )
      .else(Op.get('txn/k'))
      .commit();
    expect(ok.succeeded).toBe(true);
    expect(ok.revision).toBeGreaterThan(created);
    const [put, get, del, nested] = ok.results;
    expect(put?.type === 'put' && text(put.prevKv?.value)).toBe('v1');
    expect(get?.type === 'get' && get.kvs.map((kv) => text(kv.key))).toEqual(['txn/k', 'txn/leased']);
    expect(get?.type === 'get' && get.count).toBe(2n);
    expect(del?.type === 'delete' && [del.deleted, del.prevKvs.map((kv) => text(kv.key))]).toEqual([1n, ['txn/leased']]);
    expect(nested?.type === 'txn' && nested.succeeded).toBe(false);
    const inner = nested?.type === 'txn' ? nested.results[1] : undefined;
    expect(inner?.type === 'get' && inner.kvs.map((kv) => text(kv.value))).toEqual(['v2']);

    // A value comparison that fails runs the else branch (the trap: a proto Compare without target would not).
    const failed = await c.txn().if('txn/k', 'value', '==', 'v1').then(Op.put('txn/k', 'never')).else(Op.get('txn/k')).commit();
    expect(failed.succeeded).toBe(false);
    const got = failed.results[0];
    expect(got?.type === 'get' && text(got.kvs[0]?.value)).toBe('v2');
    expect(await c.getText('txn/k')).toBe('v2');
  });

  it('typed answers: still EtcdError with code and codeName', async () => {
    const c = fx.newClient();
    const g = fx.gen;
    const error = async (call: Promise<unknown>): Promise<InstanceType<typeof g.EtcdError>> => {
      const e = await call.then(() => undefined, (x: unknown) => x);
      expect(e).toBeInstanceOf(g.EtcdError);
      return e as InstanceType<typeof g.EtcdError>;
    };

    const leaseMissing = await error(c.put('errors/k', 'v', { lease: 0x1234567n }));
    expect(leaseMissing).toBeInstanceOf(g.EtcdLeaseNotFoundError);
    expect(leaseMissing).toBeInstanceOf(g.EtcdNotFoundError);
    expect([leaseMissing.codeName, (leaseMissing as InstanceType<typeof g.EtcdNotFoundError>).subject]).toEqual(['NOT_FOUND', 'lease']);
    expect(await error(c.lease.revoke({ ID: 0x1234567n }))).toBeInstanceOf(g.EtcdLeaseNotFoundError);

    const { ID } = await c.lease.grant({ TTL: 30 });
    const leaseExists = await error(c.lease.grant({ TTL: 30, ID }));
    expect(leaseExists).toBeInstanceOf(g.EtcdAlreadyExistsError);
    expect([leaseExists.codeName, (leaseExists as InstanceType<typeof g.EtcdAlreadyExistsError>).subject]).toEqual(['FAILED_PRECONDITION', 'lease']);

    await c.auth.userAdd({ name: 'everyday-user', password: 'p' });
    const userExists = await error(c.auth.userAdd({ name: 'everyday-user', password: 'p' }));
    expect([userExists instanceof g.EtcdAlreadyExistsError, (userExists as InstanceType<typeof g.EtcdAlreadyExistsError>).subject]).toEqual([true, 'user']);
    await c.auth.roleAdd({ name: 'everyday-role' });
    const roleExists = await error(c.auth.roleAdd({ name: 'everyday-role' }));
    expect((roleExists as InstanceType<typeof g.EtcdAlreadyExistsError>).subject).toBe('role');
    const noUser = await error(c.auth.userGet({ name: 'nobody' }));
    expect([noUser instanceof g.EtcdNotFoundError, (noUser as InstanceType<typeof g.EtcdNotFoundError>).subject]).toEqual([true, 'user']);
    const noRole = await error(c.auth.roleGet({ role: 'nothing' }));
    expect((noRole as InstanceType<typeof g.EtcdNotFoundError>).subject).toBe('role');
    const noMember = await error(c.cluster.memberRemove({ ID: 12345n }));
    expect((noMember as InstanceType<typeof g.EtcdNotFoundError>).subject).toBe('member');
    const noLeader = await error(c.election.leader({ name: 'everyday-nobody-leads' }));
    expect((noLeader as InstanceType<typeof g.EtcdNotFoundError>).subject).toBe('election-leader');

    const r = await c.put('errors/k', '1');
    await c.put('errors/k', '2');
    const future = await error(c.kv.range({ key: 'errors/k', revision: r + 1000n }));
    expect([future instanceof g.EtcdFutureRevisionError, future.codeName]).toEqual([true, 'OUT_OF_RANGE']);
    await c.kv.compact({ revision: r + 1n });
    const compacted = await error(c.kv.range({ key: 'errors/k', revision: r }));
    expect([compacted instanceof g.EtcdCompactedError, compacted.codeName]).toEqual([true, 'OUT_OF_RANGE']);
  });
});
