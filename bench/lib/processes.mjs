// Timing whole commands the way a user's build runs them: a fresh process each time, wall clock from spawn to exit.
import { spawnSync } from 'node:child_process';

/** Run `argv` to completion; resolves to its wall time in ms. Throws with its output when it fails. */
export function timeCommand(argv, { cwd, env } = {}) {
  const start = process.hrtime.bigint();
  const result = spawnSync(argv[0], argv.slice(1), {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.error || result.status !== 0) {
    const out = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-20).join('\n');
    throw new Error(`bench: ${argv.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`})\n${out}`);
  }
  return elapsed;
}

/** `argv` as it would be typed in a shell, with the repository and bench paths shortened for the report. */
export function shellLine(argv, replacements = []) {
  const shorten = (arg) => replacements.reduce((text, [from, to]) => text.split(from).join(to), arg);
  return argv
    .map(shorten)
    .map((a) => (/^[\w@%+=:,./<>$-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`))
    .join(' ');
}
