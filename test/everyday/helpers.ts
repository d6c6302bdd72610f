// Shared by the everyday suites: text, sleeps, waiting for a condition, and the raw keys under a prefix.
import type { Client } from '../helpers/fixture.js';

export { sleep, until as waitFor } from '../helpers/wait.js';

export const text = (bytes: Uint8Array | undefined): string => new TextDecoder().decode(bytes);



/** Every key (as text) and value under `prefix`, read with the generated KV service only. */
export async function rawEntries(client: Client, prefix: string): Promise<[string, string][]> {
  const end = prefix === '' ? '\0' : new TextDecoder().decode(prefixEnd(prefix));
  const { kvs } = await client.kv.range({ key: prefix === '' ? '\0' : prefix, rangeEnd: end });
  return kvs.map((kv) => [text(kv.key), text(kv.value)]);
}

function prefixEnd(prefix: string): Uint8Array {
  const bytes = new TextEncoder().encode(prefix);
  bytes[bytes.length - 1]! += 1;
  return bytes;
}
