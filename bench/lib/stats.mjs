// Small statistics for paired, interleaved benchmark runs: medians, quartiles, ratios, and how they print.
import { cpus, loadavg, totalmem } from 'node:os';

export function median(values) {
  return quantile(values, 0.5);
}

export function quantile(values, q) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

/** Median, first and third quartile of a sample, for "1.23 s (1.20–1.31)". */
export function summary(values) {
  return { median: median(values), q1: quantile(values, 0.25), q3: quantile(values, 0.75), n: values.length };
}

/** Per-round ratios a[i] / b[i] of a paired run, summarised the same way. */
export function pairedRatios(a, b) {
  return summary(a.map((x, i) => x / b[i]));
}

export function ms(value) {
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(value < 10 ? 2 : 0)} ms`;
}

export function range(s, format) {
  return `${format(s.median)} (${format(s.q1)}–${format(s.q3)})`;
}

export function ratio(value) {
  return `${value.toFixed(2)}×`;
}

export function count(value) {
  return Math.round(value).toLocaleString('en-US');
}

export function bytes(value) {
  return value >= 1024 * 1024
    ? `${(value / 1024 / 1024).toFixed(1)} MiB`
    : value >= 1024
      ? `${(value / 1024).toFixed(2)} KiB`
      : `${value} B`;
}

/** The machine and how busy it is: the numbers only mean something next to this. */
export function machine() {
  const list = cpus();
  return {
    cpu: `${list.length} × ${list[0]?.model ?? 'unknown CPU'}`,
    memory: `${Math.round(totalmem() / 1024 ** 3)} GiB`,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

export function load() {
  return loadavg().map((l) => l.toFixed(2)).join(' / ');
}

/** A markdown table from a header row and rows of cells. */
export function table(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
