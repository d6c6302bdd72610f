/** A real etcd and the committed generated client for one describe block: started before, stopped after. */
import { afterAll, beforeAll } from 'vitest';
import { loadClient, type GeneratedModule } from './client.js';
import { startEtcd, type EtcdServer, type StartEtcdOptions } from './etcd.js';

export type Client = ReturnType<GeneratedModule['createClient']>;

export type ClientOptions = Parameters<GeneratedModule['createClient']>[0];

export interface EtcdFixture {
  etcd: EtcdServer;
  gen: GeneratedModule;
  /** A client without auth on `etcd.url`. */
  client: Client;
  /** Another client on `etcd.url` (options override), closed after the block. */
  newClient(options?: Partial<ClientOptions>): Client;
}

export function useEtcd(options: StartEtcdOptions = {}): EtcdFixture {
  const extra: Client[] = [];
  const fixture = {
    newClient(options: Partial<ClientOptions> = {}): Client {
      const c = fixture.gen.createClient({ endpoints: fixture.etcd.url, ...options });
      extra.push(c);
      return c;
    },
  } as EtcdFixture;
  beforeAll(async () => {
    [fixture.etcd, fixture.gen] = await Promise.all([startEtcd(options), loadClient()]);
    fixture.client = fixture.gen.createClient({ endpoints: fixture.etcd.url });
  });
  afterAll(async () => {
    for (const c of [fixture.client, ...extra]) c?.close();
    await fixture.etcd?.stop();
  });
  return fixture;
}
