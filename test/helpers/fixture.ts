/** A real etcd and the committed generated client for one describe block: started before, stopped after. */
import { afterAll, beforeAll } from 'vitest';
import { loadClient, type GeneratedModule } from './client.js';
import { startEtcd, type EtcdServer, type StartEtcdOptions } from './etcd.js';

export type Client = ReturnType<GeneratedModule['createClient']>;

export interface EtcdFixture {
  etcd: EtcdServer;
  gen: GeneratedModule;
  /** A client without auth on `etcd.url`. */
  client: Client;
}

export function useEtcd(options: StartEtcdOptions = {}): EtcdFixture {
  const fixture = {} as EtcdFixture;
  beforeAll(async () => {
    [fixture.etcd, fixture.gen] = await Promise.all([startEtcd(options), loadClient()]);
    fixture.client = fixture.gen.createClient({ endpoints: fixture.etcd.url });
  });
  afterAll(async () => {
    fixture.client?.close();
    await fixture.etcd?.stop();
  });
  return fixture;
}
