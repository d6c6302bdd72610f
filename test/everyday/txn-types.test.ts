// The txn builder's types make the two traps of proto-shaped txns impossible. Each `@ts-expect-error` below is
// checked by `tsc -p test/tsconfig.json` (npm run typecheck): if a trap ever type-checks again, the unused
// directive fails the build. The same calls are rejected at run time for JavaScript callers.
import { describe, expect, it } from 'vitest';
import { Cmp, Op, createClient, type TxnOp } from '../../generated/index.js';

type Client = ReturnType<typeof createClient>;

/** Never called: only compiled. */
function traps(client: Client): void {
  // Trap 1: a comparison without its target (etcd would silently compare versions).
  // @ts-expect-error the target is a required argument
  client.txn().if('k', '==', 'v');
  // @ts-expect-error a proto-shaped Compare is not a comparison
  client.txn().if({ key: 'k', result: 'EQUAL', value: 'v' });
  // @ts-expect-error a value comparison takes bytes or text, not a revision
  client.txn().if('k', 'value', '==', 5n);
  // @ts-expect-error a revision comparison takes a number (or its decimal text), not bytes
  client.txn().if('k', 'mod', '>', new Uint8Array(1));
  // @ts-expect-error a prepared comparison names its target too
  client.txn().if({ key: 'k', operator: '==', value: 'v' });
  // @ts-expect-error not an operator
  client.txn().if('k', 'version', '>=', 1);

  // Trap 2: one operation that is two (etcd would silently run one of them).
  // @ts-expect-error a proto-shaped RequestOp is not an operation
  client.txn().then({ requestPut: { key: 'k', value: 'v' }, requestDeleteRange: { key: 'k' } });
  // @ts-expect-error an operation has exactly one type
  client.txn().then({ type: 'put', key: 'k', value: 'v', rangeEnd: 'z' });
  // @ts-expect-error a delete carries no value
  const twoInOne: TxnOp = { type: 'delete', key: 'k', value: 'v' };
  void twoInOne;

  // What is meant instead type-checks.
  void client
    .txn()
    .if('k', 'value', '==', 'v')
    .if('k', 'mod', '<', 10n)
    .if(Cmp.create('lock', '>', 0), Cmp.lease('k', '==', 0))
    .then(Op.put('k', 'v2', { prevKv: true }), Op.delete('old', { prefix: true }), Op.txn((t) => t.if('a', 'version', '==', 0).then(Op.put('a', '1'))))
    .else(Op.get('k'), { type: 'get', key: 'k2' })
    .commit();
}

describe('the txn builder', () => {
  it('compiles only what is unambiguous (see the @ts-expect-error lines) and checks again at run time', () => {
    expect(typeof traps).toBe('function');
    const client = createClient({ endpoints: 'http://127.0.0.1:1' });
    const untyped = client.txn() as unknown as { if(...args: unknown[]): unknown; then(...args: unknown[]): unknown };
    expect(() => untyped.if({ key: 'k', result: 'EQUAL', value: 'v' })).toThrow(/needs a target/);
    expect(() => untyped.if('k', 'value', '>=', 'v')).toThrow(/not one of ==, !=, <, >/);
    expect(() => untyped.then({ requestPut: { key: 'k' }, requestDeleteRange: { key: 'k' } })).toThrow(/Op.get, Op.put/);
    client.close();
  });
});
