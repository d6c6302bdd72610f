/** Real etcd servers and the committed generated client for one describe block: started before, stopped after. */
import { afterAll, beforeAll } from 'vitest';
import { loadClient, type GeneratedModule } from './client.js';
import { startCluster, startEtcd, type EtcdCluster, type EtcdServer, type StartEtcdOptions } from './etcd.js';
import { fakeOptionsFor, fakeRow, fakeServer, onFake, routeFetch } from './fake.js';
import { currentServer } from './servers.js';

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
  let unrouteFetch = (): void => {};
  beforeAll(async () => {
    if (fakeRow()) {
      // The fake row: an in-memory etcd answering as this row's server (test/helpers/fake.ts).
      const gen = await loadClient();
      // Its clock follows the wall clock, as a server's does: the suites wait for TTLs in real time.
      const fake = gen.createFakeEtcd({ version: currentServer().version, clock: 'real', ...fakeOptionsFor(options) });
      [fixture.etcd, fixture.gen, unrouteFetch] = [fakeServer(fake), onFake(gen, fake), routeFetch(fake, gen)];
    } else {
      [fixture.etcd, fixture.gen] = await Promise.all([startEtcd(options), loadClient()]);
    }
    fixture.client = fixture.gen.createClient({ endpoints: fixture.etcd.url });
  });
  afterAll(async () => {
    for (const c of [fixture.client, ...extra]) c?.close();
    unrouteFetch();
    await fixture.etcd?.stop();
  });
  return fixture;
}

export interface ClusterFixture {
  cluster: EtcdCluster;
  gen: GeneratedModule;
  /** A client of the committed generated module on `endpoints` (options override), closed after the block. */
  client(endpoints: string | readonly string[], options?: Partial<ClientOptions>): Client;
}

/** A real etcd cluster (three members unless told) and the committed generated client for one describe block. */
export function useCluster(options: StartEtcdOptions = {}, members = 3): ClusterFixture {
  const clients: Client[] = [];
  const fixture = {
    client(endpoints: string | readonly string[], options: Partial<ClientOptions> = {}): Client {
      const c = fixture.gen.createClient({ endpoints, ...options });
      clients.push(c);
      return c;
    },
  } as ClusterFixture;
  beforeAll(async () => {
    [fixture.cluster, fixture.gen] = await Promise.all([startCluster(members, options), loadClient()]);
  });
  afterAll(async () => {
    for (const c of clients.splice(0)) c.close();
    await fixture.cluster?.stop();
  });
  return fixture;
}
