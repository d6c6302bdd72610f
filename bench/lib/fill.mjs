// Filling etcd quickly through the gateway with raw fetch: txns of up to 128 puts (etcd's limit per txn) and
// about 1 MiB of values (its request limit is 1.5 MiB).
export async function putMany(url, entries, { concurrency = 4 } = {}) {
  const batches = [];
  let batch = [];
  let size = 0;
  for (const entry of entries) {
    if (batch.length === 128 || (batch.length > 0 && size + entry[1].length > 1024 * 1024)) {
      batches.push(batch);
      batch = [];
      size = 0;
    }
    batch.push(entry);
    size += entry[1].length;
  }
  if (batch.length > 0) batches.push(batch);
  let next = 0;
  const worker = async () => {
    for (let b = next++; b < batches.length; b = next++) {
      const success = batches[b].map(([key, value]) => ({
        request_put: { key: Buffer.from(key).toString('base64'), value: Buffer.from(value).toString('base64') },
      }));
      const res = await fetch(`${url}/v3/kv/txn`, { method: 'POST', body: JSON.stringify({ success }) });
      if (!res.ok) throw new Error(`fill: txn answered HTTP ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** POST JSON to the gateway and return the body text. */
export async function postText(url, route, body) {
  const res = await fetch(`${url}/v3${route}`, { method: 'POST', body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${route}: HTTP ${res.status} ${await res.text()}`);
  return res.text();
}

export const b64 = (text) => Buffer.from(text).toString('base64');
