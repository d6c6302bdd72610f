// Bun and Deno run the generated client: a smoke client (smoke.ts: put, range, a lease, watchEvents, a typed
// error) under each, against a real etcd, plain and over mutual TLS. Their binaries come from npm
// (`npm ci --prefix test/runtimes`, which .ci/run does); without them the suite skips, except under CI.
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { etcdAvailable, startEtcd, type EtcdServer } from '../helpers/etcd.js';
import { makePki, type Pki } from '../helpers/tls.js';
import { serverTag } from '../helpers/servers.js';

const here = dirname(fileURLToPath(import.meta.url));
const RUNTIMES = {
  bun: { bin: join(here, 'node_modules/@oven/bun-linux-x64/bin/bun'), args: ['run', join(here, 'smoke.ts')] },
  deno: {
    bin: join(here, 'node_modules/@deno/linux-x64-glibc/deno'),
    // --sloppy-imports: the generated sources import './x.js' for x.ts, as TypeScript's NodeNext wants.
    args: ['run', '--quiet', '--sloppy-imports', '--allow-all', '--no-lock', join(here, 'smoke.ts')],
  },
} as const;

function installed(bin: string): boolean {
  try {
    accessSync(bin, constants.X_OK);
    return true;
  } catch {
    if (process.env['CI']) throw new Error(`${bin} is missing under CI: run npm ci --prefix test/runtimes`);
    return false;
  }
}

function smoke(runtime: keyof typeof RUNTIMES, env: Record<string, string>): Promise<{ ok: boolean; steps: string[]; error?: string }> {
  const { bin, args } = RUNTIMES[runtime];
  return new Promise((resolve, reject) => {
    execFile(bin, args, { env: { ...process.env, ...env, NO_COLOR: '1' }, timeout: 60_000 }, (error, stdout, stderr) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as { ok: boolean; steps: string[]; error?: string });
      } catch {
        reject(new Error(`${runtime} smoke printed no result (${error?.message ?? 'exit 0'}):\n${stdout}\n${stderr}`));
      }
    });
  });
}

const ALL_STEPS = ['put', 'range', 'lease', 'watchEvents', 'typed error'];

for (const runtime of ['bun', 'deno'] as const) {
  describe.skipIf(!etcdAvailable() || !installed(RUNTIMES[runtime].bin))(`${runtime} runs the generated client${serverTag()}`, () => {
    let plain: EtcdServer;
    let secure: EtcdServer;
    let pki: Pki;
    beforeAll(async () => {
      pki = makePki();
      [plain, secure] = await Promise.all([startEtcd(), startEtcd({ tls: pki.server })]);
    });
    afterAll(async () => {
      await Promise.all([plain?.stop(), secure?.stop()]);
    });

    it('over plain HTTP', async () => {
      expect(await smoke(runtime, { ETCD_URL: plain.url })).toEqual({ ok: true, steps: ALL_STEPS });
    });

    it('over mutual TLS', async () => {
      expect(await smoke(runtime, { ETCD_URL: secure.url, ETCD_TLS_DIR: pki.dir })).toEqual({ ok: true, steps: ALL_STEPS });
    });
  });
}
