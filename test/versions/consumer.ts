// Consumer code written once and compiled against the client of every etcd version (consumer.test.ts): what
// every version has — kv, watch, lease, cluster, maintenance, auth — called the way an application calls it.
// Requests whose fields are all optional are left out (`memberList()` compiles although 3.5 added a field).
import { bytesToText, createClient, EtcdError, type EtcdClient } from './index.js';

export async function everyday(client: EtcdClient): Promise<string[]> {
  await client.kv.put({ key: 'k', value: 'v' });
  const range = await client.kv.range({ key: 'k' });
  const values = range.kvs.map((kv) => bytesToText(kv.value));
  const members = await client.cluster.memberList();
  const status = await client.maintenance.status();
  const grant = await client.lease.grant({ TTL: 10 });
  await client.lease.revoke({ ID: grant.ID });
  await client.auth.userList();
  const startRevision = range.kvs[0]?.modRevision;
  for await (const event of client.watchEvents({ key: 'k', ...(startRevision !== undefined ? { startRevision } : {}) })) {
    values.push(event.type, bytesToText(event.kv?.key ?? new Uint8Array()));
    break;
  }
  return [...values, String(members.members.length), status.version];
}

export function open(endpoint: string): EtcdClient {
  return createClient({ endpoints: endpoint });
}

export const isEtcdError = (e: unknown): e is EtcdError => e instanceof EtcdError;
