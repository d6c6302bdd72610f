/**
 * Generated clients for tests. `generated/` (etcd v3.6.14, committed) is the default; other versions and
 * options are generated once per key into .tmp/clients/ (inside the repository so vitest transforms them).
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { generate, type GenerateOptions } from '../../generator/generate.js';
import type { Int64Mode } from '../../templates/options.js';
import { repoRoot, specsDir } from './specs.js';

export type GeneratedModule = typeof import('../../generated/index.js');

export interface ClientSpec {
  readonly etcd?: string | readonly string[];
  readonly int64?: Int64Mode;
  readonly services?: readonly string[];
  readonly name?: string;
}

const pending = new Map<string, Promise<string>>();

/** Generate (once) and return the output directory. */
export function generateClientDir(spec: ClientSpec = {}): Promise<string> {
  const key = createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 12);
  let dir = pending.get(key);
  if (!dir) {
    const out = join(repoRoot, '.tmp/clients', key);
    const etcd = spec.etcd === undefined ? ['3.6.14'] : typeof spec.etcd === 'string' ? [spec.etcd] : [...spec.etcd];
    const options: GenerateOptions = {
      etcd,
      specDir: specsDir,
      out,
      ...(spec.int64 ? { int64: spec.int64 } : {}),
      ...(spec.services ? { services: spec.services } : {}),
      ...(spec.name ? { name: spec.name } : {}),
    };
    dir = generate(options).then(() => out);
    pending.set(key, dir);
  }
  return dir;
}

/** Import a generated client: the committed v3.6.14 one by default. */
export async function loadClient(spec?: ClientSpec): Promise<GeneratedModule> {
  if (!spec) return import('../../generated/index.js');
  const dir = await generateClientDir(spec);
  return (await import(/* @vite-ignore */ join(dir, 'index.ts'))) as GeneratedModule;
}
