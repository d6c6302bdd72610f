// maintenance/snapshot on the fake: a database image of `dbSize` bytes (the live keys and values as JSON, base64,
// padded with zeros; not a bbolt file), streamed in chunks as etcd streams its backend, the image's SHA-256 last.
import type { Store } from './store.js';
import type { FakeStream } from './stream.js';
import { b64, type Json } from './wire.js';

const CHUNK_BYTES = 32_768;

/** The database size the fake reports (Status, snapshot): 24 KiB as an empty etcd, plus room for its writes. */
export function dbSize(store: Store): number {
  return Math.ceil((24_576 + 2 * store.bytes) / 4096) * 4096;
}

export async function streamSnapshot(store: Store, header: () => Json, stream: FakeStream): Promise<void> {
  const size = dbSize(store);
  const image = new Uint8Array(size);
  const live = store.range('\0', '\0').map((kv) => ({ k: b64(kv.key), v: b64(kv.value) }));
  image.set(new TextEncoder().encode(JSON.stringify(live)).subarray(0, size));
  for (let at = 0; at < size; at += CHUNK_BYTES) {
    const blob = image.subarray(at, Math.min(size, at + CHUNK_BYTES));
    stream.push({ header: header(), remaining_bytes: String(size - at - blob.length + 32), blob: base64(blob) });
  }
  const hash = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', image));
  stream.push({ header: header(), remaining_bytes: '0', blob: base64(hash) });
  stream.end();
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
