// Each benchmark writes its block of bench/RESULTS.md between markers, leaving everything around it (the
// analysis, before/after notes, other engineers' sections) as it is. The raw numbers go to bench/.work/results/.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchDir, workDir } from './paths.mjs';
import { load, machine } from './stats.mjs';

const RESULTS = join(benchDir, 'RESULTS.md');

/**
 * Replace the block `<!-- bench:<id> -->` … `<!-- /bench:<id> -->` in RESULTS.md (appended when missing) with
 * `markdown`, stamped with the date, the machine and its load.
 */
export function recordResult(id, { title, markdown, data, loadBefore }) {
  const stamp = machine();
  const body = [
    `_Last run ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')} on ${stamp.cpu}, ${stamp.memory}, Node ${stamp.node}; ` +
      `load average (1/5/15 min) ${loadBefore ?? '?'} before, ${load()} after._`,
    '',
    markdown.trim(),
  ].join('\n');
  mkdirSync(join(workDir, 'results'), { recursive: true });
  writeFileSync(join(workDir, 'results', `${id}.json`), `${JSON.stringify({ id, title, machine: stamp, data }, null, 2)}\n`);
  writeFileSync(join(workDir, 'results', `${id}.md`), `${body}\n`);
  replaceBlock(id, title, body);
  console.log(`\n${body}\n`);
}

function replaceBlock(id, title, body) {
  const begin = `<!-- bench:${id} -->`;
  const end = `<!-- /bench:${id} -->`;
  let text;
  try {
    text = readFileSync(RESULTS, 'utf8');
  } catch {
    text = '# Benchmarks\n';
  }
  const block = `${begin}\n${body}\n${end}`;
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (from >= 0 && to > from) text = text.slice(0, from) + block + text.slice(to + end.length);
  else text = `${text.trimEnd()}\n\n## ${title}\n\n${block}\n`;
  writeFileSync(RESULTS, text);
}
