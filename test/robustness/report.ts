/** The report: per episode and in total; violations that match a known bug of the server are listed apart. */
import type { Violation } from './checks/violations.js';
import { phaseOf, type EpisodeResult } from './episode.js';

export interface Summary {
  readonly episodes: number;
  readonly operations: number;
  /** Violations that are no known bug of the server: what fails the run. */
  readonly violations: number;
  readonly serverFindings: number;
  readonly byKind: Record<string, number>;
  readonly ambiguousApplied: number;
  readonly ambiguousNotApplied: number;
  readonly ambiguousUnresolved: number;
  readonly idempotentAppliedTwice: number;
  readonly eventsChecked: number;
  readonly resumes: number;
  readonly clientFailures: number;
  readonly recoveryP50Ms: number;
  readonly recoveryMaxMs: number;
  readonly opsPerSecond: number;
  readonly elapsedMs: number;
  readonly searchTimeouts: number;
}

export function isKnown(v: Violation, knownBugs: readonly number[]): boolean {
  return v.candidateBugs.some((bug) => knownBugs.includes(bug));
}

export function formatEpisode(r: EpisodeResult, knownBugs: readonly number[]): string {
  const phases = { before: [0, 0, 0], during: [0, 0, 0], after: [0, 0, 0] };
  for (const op of r.history.operations) {
    const p = phases[phaseOf(op, r.faultStart, r.faultEnd)];
    p[op.outcome === 'ok' ? 0 : op.outcome === 'failed' ? 1 : 2]!++;
  }
  const s = r.check.stats;
  const phase = (name: keyof typeof phases): string => `${name} ${phases[name].join('/')}`;
  const lines = [
    `episode ${r.index}: ${r.fault} (${r.target}, ${(r.faultEnd - r.faultStart).toFixed(0)} ms) in ${(r.durationMs / 1000).toFixed(1)} s`,
    `  operations ok/failed/ambiguous: ${phase('before')}, ${phase('during')}, ${phase('after')}`,
    `  ambiguous writes: ${s.ambiguousApplied} applied, ${s.ambiguousNotApplied} not applied, ${s.ambiguousUnresolved} unresolved (forked); idempotent puts applied twice: ${s.idempotentAppliedTwice}`,
    `  linearizability: ${s.linearizability} (${s.searchMs.toFixed(0)} ms); watches: ${r.history.watches.length}, events checked ${s.eventsChecked}, resumes ${r.resumes}; locks ${r.history.locks.length}, mirror snapshots ${r.history.mirrors.length}`,
    `  recovery after the fault (ms, per client): ${r.recoveries.map((x) => x.toFixed(0)).join(' ') || 'none'}; client failures ${r.failures}`,
  ];
  for (const d of r.referenceDisagreements.slice(0, 3)) lines.push(`  REFERENCE DISAGREEMENT ${d}`);
  for (const v of r.check.violations) {
    lines.push(`  ${isKnown(v, knownBugs) ? 'server finding' : 'VIOLATION'} ${v.kind}: ${v.message}${isKnown(v, knownBugs) ? ` (known: etcd-io/etcd#${v.candidateBugs.filter((b) => knownBugs.includes(b)).join(', #')})` : ''}`);
  }
  return lines.join('\n');
}

export function summarize(results: readonly EpisodeResult[], knownBugs: readonly number[], elapsedMs: number): Summary {
  const all = results.flatMap((r) => r.check.violations);
  const real = all.filter((v) => !isKnown(v, knownBugs));
  const byKind: Record<string, number> = {};
  for (const v of all) byKind[`${v.kind}${isKnown(v, knownBugs) ? ' (known)' : ''}`] = (byKind[`${v.kind}${isKnown(v, knownBugs) ? ' (known)' : ''}`] ?? 0) + 1;
  const recoveries = results.flatMap((r) => r.recoveries).sort((a, b) => a - b);
  const sum = (f: (r: EpisodeResult) => number): number => results.reduce((a, r) => a + f(r), 0);
  const operations = sum((r) => r.history.operations.length);
  const trafficMs = sum((r) => r.durationMs);
  return {
    episodes: results.length,
    operations,
    violations: real.length + sum((r) => r.referenceDisagreements.length),
    serverFindings: all.length - real.length,
    byKind,
    ambiguousApplied: sum((r) => r.check.stats.ambiguousApplied),
    ambiguousNotApplied: sum((r) => r.check.stats.ambiguousNotApplied),
    ambiguousUnresolved: sum((r) => r.check.stats.ambiguousUnresolved),
    idempotentAppliedTwice: sum((r) => r.check.stats.idempotentAppliedTwice),
    eventsChecked: sum((r) => r.check.stats.eventsChecked),
    resumes: sum((r) => r.resumes),
    clientFailures: sum((r) => r.failures),
    recoveryP50Ms: recoveries[Math.floor(recoveries.length / 2)] ?? 0,
    recoveryMaxMs: recoveries[recoveries.length - 1] ?? 0,
    opsPerSecond: trafficMs > 0 ? operations / (trafficMs / 1000) : 0,
    elapsedMs,
    searchTimeouts: results.filter((r) => r.check.stats.linearizability === 'timeout').length,
  };
}

export function formatTotal(s: Summary, version: string): string {
  return [
    `total on etcd ${version}: ${s.episodes} episodes in ${(s.elapsedMs / 1000).toFixed(0)} s, ${s.operations} KV operations (${s.opsPerSecond.toFixed(0)}/s of episode time)`,
    `  ambiguous writes: ${s.ambiguousApplied} resolved applied, ${s.ambiguousNotApplied} resolved not applied, ${s.ambiguousUnresolved} forked; idempotent puts applied twice: ${s.idempotentAppliedTwice}`,
    `  watch events checked ${s.eventsChecked}, resumes ${s.resumes}; client failures ${s.clientFailures}; recovery p50 ${s.recoveryP50Ms.toFixed(0)} ms, max ${s.recoveryMaxMs.toFixed(0)} ms; search timeouts ${s.searchTimeouts}`,
    `  violations by kind: ${Object.entries(s.byKind).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}; server findings (known bugs of ${version}): ${s.serverFindings}`,
  ].join('\n');
}
