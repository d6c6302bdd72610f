// A member of three restarted gracefully (SIGTERM), again and again, under a read loop and an idempotent-put loop
// through clients over every endpoint. While it shuts down the member answers some calls with 408 CANCELLED
// `grpc: the client connection is closing` (its gateway's connection to its own gRPC server is closing): a failure
// of that endpoint, not an answer about the request, so reads and idempotent puts move to the next member.
import { expect, it } from 'vitest';
import { describeEtcd } from '../helpers/etcd.js';
import { useCluster, type Client } from '../helpers/fixture.js';
import { sleep } from '../helpers/wait.js';

const RESTARTS = 8;
/** Clients of each loop started on the restarted member for each restart, so every restart meets their calls. */
const LOOPS_EACH = 3;


describeEtcd('graceful restarts of one member of three', () => {
  const fx = useCluster();

  it(`${RESTARTS} SIGTERM restarts under reads and idempotent puts: no call fails`, async () => {
    const member = fx.cluster.members[0]!;
    const endpoints = [member.url, ...fx.cluster.endpoints.filter((url) => url !== member.url)];
    const failures: { loop: string; restart: number; error: string }[] = [];
    const done = { reads: 0, puts: 0 };
    const canceled: string[] = []; // the 408s the members answered, seen through the observe hook
    const newClient = (): Client =>
      fx.client(endpoints, {
        observe: (report) => {
          if (report.code === 'CANCELLED' && report.outcome === 'error') canceled.push(report.endpoint);
        },
      });

    for (let restart = 0; restart < RESTARTS; restart++) {
      let stop = false;
      const loop = async (name: 'reads' | 'puts', call: (c: Client, i: number) => Promise<unknown>): Promise<void> => {
        const c = newClient(); // starts on the member about to stop
        for (let i = 0; !stop; i++) {
          try {
            await call(c, i);
            done[name] += 1;
          } catch (error) {
            failures.push({ loop: name, restart, error: String(error) });
          }
        }
        c.close();
      };
      const loops = Array.from({ length: LOOPS_EACH }, (_, l) => [
        loop('reads', (c) => c.kv.range({ key: 'graceful/read' })),
        loop('puts', (c, i) => c.kv.put({ key: `graceful/put/${l}`, value: `${restart}/${i}` }, { idempotent: true })),
      ]).flat();
      await sleep(200);
      await member.kill('SIGTERM');
      await member.restart();
      await sleep(200);
      stop = true;
      await Promise.all(loops);
    }

    console.log(`graceful restarts: ${done.reads} reads, ${done.puts} puts, ${canceled.length} CANCELLED answers seen`);
    expect(failures).toEqual([]);
    expect(done.reads).toBeGreaterThan(RESTARTS * 10);
    expect(done.puts).toBeGreaterThan(RESTARTS * 10);
  }, 180_000);
});
