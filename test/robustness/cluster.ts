/**
 * Three etcd members behind fault proxies: one in front of each member's client port (what the traffic uses) and
 * one in front of each peer port (what the members advertise to each other, so raft links can be cut).
 */
import { startCluster, type EtcdCluster, type EtcdServer } from '../helpers/etcd.js';
import { createFaultProxy, PASS, type FaultProxy, type ProxyMode } from './proxy.js';
import type { Random } from './random.js';

export interface ProxiedCluster {
  readonly cluster: EtcdCluster;
  readonly members: readonly EtcdServer[];
  /** Client proxies, in member order: the traffic's endpoints. */
  readonly clientProxies: readonly FaultProxy[];
  readonly peerProxies: readonly FaultProxy[];
  /** Member ids in hex (as etcd's X-Server-From), in member order. */
  readonly memberIds: readonly string[];
  /** The index of the member that leads now, asked of each running member straight (no proxy). */
  leader(): Promise<number>;
  /** Cut member `i` from its peers both ways (stall: nothing lost, nothing delivered) or heal it. */
  isolate(i: number, mode: ProxyMode | undefined): Promise<void>;
  /** Every proxy back to pass. */
  healAll(): Promise<void>;
  stop(): Promise<void>;
}

/** Raft timing a little tighter than etcd's defaults (100/1000 ms), so an election fits an episode. */
const RAFT_ARGS = ['--heartbeat-interval=50', '--election-timeout=500', '--snapshot-count=100000'];

export async function startProxiedCluster(random: Random): Promise<ProxiedCluster> {
  const peerProxies: FaultProxy[] = [];
  const cluster = await startCluster(3, {
    extraArgs: RAFT_ARGS,
    advertisePeer: async (i, peerPort) => {
      await peerProxies[i]?.close(); // a retry of the start (port taken) asks again
      peerProxies[i] = await createFaultProxy({ name: `peer-${i}`, targetPort: peerPort, random: random.fork(`peer-${i}`).next });
      return peerProxies[i]!.url;
    },
  });
  const members = cluster.members;
  const clientProxies = await Promise.all(
    members.map((m, i) => createFaultProxy({ name: `client-${i}`, targetPort: m.clientPort, random: random.fork(`client-${i}`).next })),
  );
  const memberIds = await Promise.all(members.map(async (m) => (await status(m.url)).memberId.toString(16)));
  const leader = async (): Promise<number> => {
    for (let attempt = 0; attempt < 50; attempt++) {
      const answers = await Promise.all(members.map((m) => (m.running ? status(m.url).catch(() => undefined) : undefined)));
      const leaders = answers.filter((a) => a !== undefined && a.leader !== 0n).map((a) => a!.leader.toString(16));
      const index = leaders.length > 0 ? memberIds.indexOf(leaders[0]!) : -1;
      if (index >= 0 && members[index]!.running) return index;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('robustness cluster: no leader within 5 s');
  };
  const isolate = async (i: number, mode: ProxyMode | undefined): Promise<void> => {
    await peerProxies[i]!.setMode(mode ?? PASS);
    peerProxies.forEach((p, j) => j !== i && p.setModeFrom(memberIds[i]!, mode));
  };
  return {
    cluster,
    members,
    clientProxies,
    peerProxies,
    memberIds,
    leader,
    isolate,
    async healAll() {
      for (const p of [...clientProxies, ...peerProxies]) {
        await p.setMode(PASS);
        for (const id of memberIds) p.setModeFrom(id, undefined);
      }
    },
    async stop() {
      await Promise.all([...clientProxies, ...peerProxies].map((p) => p.close()));
      // SIGCONT first: a member left stopped would hold its SIGTERM.
      for (const m of members) await m.kill('SIGCONT');
      await Promise.all(members.map((m) => m.kill('SIGKILL')));
      await cluster.stop();
    },
  };
}

async function status(url: string): Promise<{ memberId: bigint; leader: bigint }> {
  const res = await fetch(`${url}/v3/maintenance/status`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(500) });
  const body = (await res.json()) as { header?: { member_id?: string }; leader?: string };
  return { memberId: BigInt(body.header?.member_id ?? '0'), leader: BigInt(body.leader ?? '0') };
}
