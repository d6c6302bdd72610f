/** The faults, one per episode: each injects, holds for `durationMs`, then heals and resolves. */
import type { ProxiedCluster } from './cluster.js';
import { PASS } from './proxy.js';
import type { Random } from './random.js';
import { sleep } from '../helpers/wait.js';

export const FAULTS = [
  'kill-leader',
  'kill-follower',
  'stop-leader',
  'stop-follower',
  'stall-member',
  'stall-replies-leader',
  'reset-watch-member',
  'delay',
  'partition-leader',
  'graceful-restart',
] as const;

export type FaultName = (typeof FAULTS)[number];

export interface FaultContext {
  readonly cluster: ProxiedCluster;
  readonly random: Random;
  /** The member index the watch traffic is on now. */
  watchMember(): number;
}


/** Inject `fault`, hold it, heal it; resolves with what was hit, once the cluster is whole again. */
export async function runFault(fault: FaultName, durationMs: number, ctx: FaultContext): Promise<string> {
  const { cluster, random } = ctx;
  const follower = async (): Promise<number> => {
    const leader = await cluster.leader();
    return random.pick([0, 1, 2].filter((i) => i !== leader));
  };
  switch (fault) {
    case 'kill-leader':
    case 'kill-follower':
    case 'graceful-restart': {
      const i = fault === 'kill-leader' ? await cluster.leader() : fault === 'kill-follower' ? await follower() : random.int(0, 2);
      const m = cluster.members[i]!;
      await m.kill(fault === 'graceful-restart' ? 'SIGTERM' : 'SIGKILL');
      await sleep(durationMs);
      await m.restart();
      return `member ${i}`;
    }
    case 'stop-leader':
    case 'stop-follower': {
      const i = fault === 'stop-leader' ? await cluster.leader() : await follower();
      const m = cluster.members[i]!;
      await m.kill('SIGSTOP');
      await sleep(durationMs);
      await m.kill('SIGCONT');
      return `member ${i}`;
    }
    case 'stall-member': {
      const i = random.int(0, 2);
      await cluster.clientProxies[i]!.setMode({ kind: 'stall' });
      await cluster.isolate(i, { kind: 'stall' });
      await sleep(durationMs);
      await cluster.isolate(i, undefined);
      await cluster.clientProxies[i]!.setMode(PASS);
      return `member ${i}`;
    }
    case 'stall-replies-leader': {
      const i = await cluster.leader();
      await cluster.clientProxies[i]!.setMode({ kind: 'stall-replies' });
      await sleep(durationMs);
      await cluster.clientProxies[i]!.setMode(PASS);
      return `member ${i}`;
    }
    case 'reset-watch-member': {
      const i = ctx.watchMember();
      await cluster.clientProxies[i]!.setMode({ kind: 'reset' });
      await sleep(durationMs);
      await cluster.clientProxies[i]!.setMode(PASS);
      return `member ${i}`;
    }
    case 'delay': {
      const all = [...cluster.clientProxies, ...cluster.peerProxies];
      for (const p of all) await p.setMode({ kind: 'delay', baseMs: 75, jitterMs: 50 });
      await sleep(durationMs);
      for (const p of all) await p.setMode(PASS);
      return 'every link';
    }
    case 'partition-leader': {
      const i = await cluster.leader();
      await cluster.isolate(i, { kind: 'stall' });
      await sleep(durationMs);
      await cluster.isolate(i, undefined);
      return `member ${i}`;
    }
  }
}
