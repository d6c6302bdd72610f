// Whether a txn may be re-sent after it may have reached a server: only when it cannot change anything.
import { isWireObject as isObject } from '../wire/codec.js';

const READ_KEYS: ReadonlySet<string> = new Set(['request_range', 'requestRange']);
const TXN_KEYS: ReadonlySet<string> = new Set(['request_txn', 'requestTxn']);

/**
 * True when a wire TxnRequest's success and failure branches hold only range requests (nested txns included),
 * so retrying it on another endpoint is safe. Anything unrecognized counts as a write.
 */
export function txnIsReadOnly(wireTxn: unknown): boolean {
  if (!isObject(wireTxn)) return false;
  return branchIsReadOnly(wireTxn['success']) && branchIsReadOnly(wireTxn['failure']);
}

function branchIsReadOnly(ops: unknown): boolean {
  if (ops === undefined || ops === null) return true;
  if (!Array.isArray(ops)) return false;
  return ops.every(opIsReadOnly);
}

function opIsReadOnly(op: unknown): boolean {
  if (!isObject(op)) return false;
  let kinds = 0;
  for (const key in op) {
    const value = op[key];
    if (value === undefined || value === null) continue;
    kinds++;
    if (READ_KEYS.has(key)) continue;
    if (!TXN_KEYS.has(key) || !txnIsReadOnly(value)) return false;
  }
  return kinds === 1;
}
