// A smoke client for other runtimes (Bun, Deno): put, range, a lease, watchEvents and a typed error through the
// committed generated client, against the etcd at $ETCD_URL (over mutual TLS when $ETCD_TLS_DIR holds ca.pem,
// client.pem, client-key.pem). Prints one JSON line: { ok: true, engine, steps } or { ok: false, error }.
import { readFileSync } from 'node:fs';
import { createClient, EtcdError } from '../../generated/index.js';

const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
const url = env['ETCD_URL'] ?? '';
const tlsDir = env['ETCD_TLS_DIR'];
const read = (name: string): string => readFileSync(`${tlsDir}/${name}`, 'utf8');
const tls = tlsDir ? { ca: read('ca.pem'), cert: read('client.pem'), key: read('client-key.pem') } : undefined;
const client = createClient({ endpoints: url, ...(tls ? { tls } : {}), WebSocket: null });
const steps: string[] = [];
const key = `smoke/${Math.random().toString(36).slice(2)}`;

async function main(): Promise<void> {
  await client.kv.put({ key, value: 'v1' });
  const got = await client.kv.range({ key });
  if (new TextDecoder().decode(got.kvs[0]?.value) !== 'v1') throw new Error(`range read ${JSON.stringify(got.kvs)}`);
  steps.push('put', 'range');

  const { ID } = await client.lease.grant({ TTL: 30 });
  await client.kv.put({ key: `${key}/leased`, value: 'x', lease: ID });
  await client.lease.revoke({ ID });
  if ((await client.kv.range({ key: `${key}/leased` })).count !== 0n) throw new Error('the revoked lease kept its key');
  steps.push('lease');

  const events = client.watchEvents({ key: `${key}/w` });
  const first = (async () => {
    for await (const event of events) return event;
    return undefined;
  })();
  await new Promise((resolve) => setTimeout(resolve, 300));
  await client.kv.put({ key: `${key}/w`, value: 'watched' });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('no watch event in 10 s')), 10_000)));
  const event = await Promise.race([first, late]).finally(() => clearTimeout(timer));
  if ((event as { type?: string } | undefined)?.type !== 'PUT') throw new Error(`watch saw ${JSON.stringify(event)}`);
  steps.push('watchEvents');

  const failed = await client.lease.revoke({ ID: 424242n }).then(() => undefined, (e: unknown) => e);
  if (!(failed instanceof EtcdError) || failed.codeName !== 'NOT_FOUND') throw new Error(`revoke of no lease gave ${String(failed)}`);
  steps.push('typed error');
}

main().then(
  () => {
    console.log(JSON.stringify({ ok: true, steps }));
    client.close();
  },
  (error: unknown) => {
    console.log(JSON.stringify({ ok: false, steps, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }));
    client.close();
  },
);
