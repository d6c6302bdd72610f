/**
 * One episode: a fresh 3-member cluster behind fault proxies, reference watchers, about 1 s of traffic, one
 * fault for 1–3 s, about 1 s of recovery, then the traffic stops, the reference catches up and the history is
 * checked. Compaction runs every ~200 ms throughout.
 */
import { writeFileSync } from 'node:fs';
import { createClient } from '../../generated/index.js';
import { checkHistory, type CheckResult } from './checks/index.js';
import { startProxiedCluster } from './cluster.js';
import { runFault, type FaultName } from './faults.js';
import { now, type EpisodeHistory, type KvOperation } from './history.js';
import type { Random } from './random.js';
import { mergeReference, startReference } from './reference.js';
import {
  BANK_ACCOUNTS,
  BANK_BALANCE,
  BANK_PREFIX,
  KV_PREFIX,
  bankClient,
  createRecorder,
  kvClient,
  lockClient,
  mirrorClient,
  trafficClient,
  watchClient,
} from './traffic.js';
import { sleep } from '../helpers/wait.js';

export interface EpisodeResult {
  readonly index: number;
  readonly fault: FaultName;
  readonly target: string;
  readonly faultStart: number;
  readonly faultEnd: number;
  readonly durationMs: number;
  readonly history: EpisodeHistory;
  readonly check: CheckResult;
  /** Per client, ms from the end of the fault to its first success. */
  readonly recoveries: readonly number[];
  readonly failures: number;
  readonly resumes: number;
  readonly referenceDisagreements: readonly string[];
}

const debug = (what: string): void => {
  if (process.env['ROBUSTNESS_DEBUG']) console.error(`[${now().toFixed(0)} ms] ${what}`);
};

export async function runEpisode(index: number, fault: FaultName, random: Random): Promise<EpisodeResult> {
  const started = now();
  const cluster = await startProxiedCluster(random.fork('cluster'));
  debug('cluster up');
  const direct = createClient({ endpoints: cluster.members.map((m) => m.url), WebSocket: null, timeoutMs: 1_000 });
  const refs = cluster.members.map((m, i) => startReference(`member-${i}`, m.url));
  const rec = createRecorder();
  const clients: ReturnType<typeof trafficClient>[] = [];
  try {
    for (let i = 0; i < BANK_ACCOUNTS; i++) await direct.put(`${BANK_PREFIX}${i}`, String(BANK_BALANCE));
    const endpoints = cluster.clientProxies.map((p) => p.url);
    const client = (label: string, websocket: boolean) => {
      const c = trafficClient(random.fork(`endpoints-${label}`).shuffle(endpoints), websocket, rec);
      clients.push(c);
      return c;
    };
    let stopped = false;
    const stop = (): boolean => stopped;
    let revision = 1;
    let compactedTo = 0;
    const watchWs = client('watch-ws', true);
    const loops = [
      ...[0, 1, 2].map((i) => kvClient(`kv${i}`, client(`kv${i}`, i === 0), random.fork(`kv${i}`), rec, stop)),
      watchClient('watch-ws', watchWs, 'websocket', random.fork('watch-ws'), rec, stop, () => revision, () => compactedTo),
      watchClient('watch-post', client('watch-post', false), 'post', random.fork('watch-post'), rec, stop, () => revision, () => compactedTo),
      mirrorClient(client('mirror', true), rec, stop),
      bankClient('bank', client('bank', false), random.fork('bank'), rec, stop),
      ...[0, 1].map((i) => lockClient(`lock${i}`, client(`lock${i}`, false), random.fork(`lock${i}`), rec, stop)),
    ];
    // Compaction every ~200 ms, to a revision at or above the last one, never past the slowest reference watcher.
    const compactRandom = random.fork('compact');
    const compactor = (async () => {
      while (!stopped) {
        await sleep(compactRandom.int(150, 250));
        try {
          revision = Number((await direct.kv.range({ key: 'none' })).header?.revision ?? revision);
          const ceiling = Math.min(revision, ...refs.map((r) => r.last));
          if (ceiling > compactedTo) {
            const to = compactRandom.int(compactedTo + 1, ceiling);
            await direct.kv.compact({ revision: to });
            compactedTo = to;
          }
        } catch {
          // a compaction during a fault may fail: the next one tries again
        }
      }
    })();
    debug('traffic running');
    await sleep(1_000);
    const duration = random.int(1_000, 3_000);
    const faultStart = now();
    const target = await runFault(fault, duration, {
      cluster,
      random: random.fork('fault'),
      watchMember: () => Math.max(0, cluster.clientProxies.findIndex((p) => p.url === watchWs.transport.currentEndpoint)),
    });
    const faultEnd = now();
    debug(`fault ${fault} healed`);
    await sleep(1_000);
    stopped = true;
    const names = ['kv0', 'kv1', 'kv2', 'watch-ws', 'watch-post', 'mirror', 'bank', 'lock0', 'lock1'];
    await Promise.all([...loops.map((l, i) => l.then(() => debug(`${names[i]} stopped`))), compactor]);
    // The end marker: once every live reference watcher has it, the reference holds every write of the episode.
    await cluster.healAll();
    const end = Number((await direct.kv.put({ key: 'end', value: 'end' })).header?.revision ?? 0);
    const deadline = now() + 10_000;
    while (refs.some((r) => r.last < end) && now() < deadline) await sleep(50);
    debug('reference caught up');
    const merged = mergeReference(refs);
    const bankTotal = [...(await direct.getPrefixText(BANK_PREFIX)).values()].reduce((a, v) => a + Number(v), 0);
    const history: EpisodeHistory = {
      operations: rec.operations,
      watches: rec.watches,
      locks: rec.locks,
      mirrors: rec.mirrors,
      // Up to the end marker: a write stalled until the heal and applied after it lies outside the checked window.
      reference: merged.events.filter((e) => e.mod <= Math.min(merged.upTo, end)),
      referenceUpTo: Math.min(merged.upTo, end),
      bank: { prefix: BANK_PREFIX, total: BANK_ACCOUNTS * BANK_BALANCE, finalTotal: bankTotal },
      compactedTo,
      kvPrefix: KV_PREFIX,
    };
    if (process.env['ROBUSTNESS_DUMP']) {
      const file = `${process.env['ROBUSTNESS_DUMP']}-${index}.json`;
      writeFileSync(file, JSON.stringify(history, (_k, v: unknown) => (v instanceof Map ? [...v] : v)));
      debug(`history in ${file}`);
    }
    const check = checkHistory(history);
    debug('checked');
    return {
      index,
      fault,
      target,
      faultStart,
      faultEnd,
      durationMs: now() - started,
      history,
      check,
      recoveries: recoveries(rec.successes, faultEnd),
      failures: rec.failures,
      resumes: rec.resumes,
      referenceDisagreements: merged.disagreements,
    };
  } finally {
    for (const c of clients) c.close();
    debug('clients closed');
    await Promise.all(refs.map((r) => r.stop()));
    debug('reference stopped');
    direct.close();
    await cluster.stop();
    debug('cluster stopped');
  }
}

function recoveries(successes: readonly { client: string; at: number }[], faultEnd: number): number[] {
  const first = new Map<string, number>();
  for (const s of successes) if (s.at >= faultEnd && !first.has(s.client)) first.set(s.client, s.at - faultEnd);
  return [...first.values()];
}

/** Operations whose call fell before, during or after the fault. */
export function phaseOf(op: KvOperation, faultStart: number, faultEnd: number): 'before' | 'during' | 'after' {
  return op.call < faultStart ? 'before' : op.call < faultEnd ? 'during' : 'after';
}
