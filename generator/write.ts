/**
 * Write the output directory atomically: everything goes to a sibling temporary directory first, which then
 * replaces the old one in two renames. A failed run leaves the output exactly as it was.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { OptionError } from '../spec/errors.js';
import { isGenerated } from './header.js';

export interface OutputFile {
  readonly path: string;
  readonly text: string;
}

/**
 * Every file under `dir` as `/`-separated relative paths with their text; an empty map when `dir` is absent.
 * Read synchronously: a few dozen small files, and the no-op check's cost is mostly the thread-pool round trips
 * that asynchronous reads would add to each one.
 */
export async function readTree(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const full = join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.set(relative(dir, full).split(sep).join('/'), readFileSync(full, 'utf8'));
    }
  };
  const info = await stat(dir).catch(() => undefined);
  if (!info) return out;
  if (!info.isDirectory()) throw new OptionError('--out', `${dir} exists and is not a directory`);
  walk(dir);
  return out;
}

/** The output directory belongs to the generator: refuse to replace one that holds files we did not write. */
export function assertOwned(dir: string, existing: ReadonlyMap<string, string>): void {
  for (const [path, text] of existing) {
    if (!isGenerated(text)) {
      throw new OptionError('--out', `${join(dir, path)} was not written by etcd-gateway-codegen; refusing to replace ${dir} (move it away or choose another --out)`);
    }
  }
}

export async function writeAtomically(outDir: string, files: readonly OutputFile[], existing: ReadonlyMap<string, string>): Promise<void> {
  const out = resolve(outDir);
  await mkdir(dirname(out), { recursive: true });
  const staging = await mkdtemp(join(dirname(out), `.${basename(out)}.tmp-`));
  try {
    await chmod(staging, 0o777 & ~process.umask()); // mkdtemp makes it private; the output is an ordinary directory
    for (const file of files) {
      const target = join(staging, ...file.path.split('/'));
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, file.text);
    }
    await swap(staging, out, existing.size > 0 || (await stat(out).catch(() => undefined)) !== undefined);
  } catch (e) {
    await rm(staging, { recursive: true, force: true });
    throw e;
  }
}

async function swap(staging: string, out: string, exists: boolean): Promise<void> {
  if (!exists) return rename(staging, out);
  const old = `${staging}.old`;
  await rename(out, old);
  try {
    await rename(staging, out);
  } catch (e) {
    await rename(old, out);
    throw e;
  }
  await rm(old, { recursive: true, force: true });
}

export interface TreeDiff {
  readonly missing: string[];
  readonly changed: string[];
  readonly extra: string[];
}

export function diffTree(expected: readonly OutputFile[], actual: ReadonlyMap<string, string>): TreeDiff {
  const want = new Map(expected.map((f) => [f.path, f.text]));
  return {
    missing: [...want.keys()].filter((p) => !actual.has(p)).sort(),
    changed: [...want.entries()].filter(([p, t]) => actual.has(p) && actual.get(p) !== t).map(([p]) => p).sort(),
    extra: [...actual.keys()].filter((p) => !want.has(p)).sort(),
  };
}
