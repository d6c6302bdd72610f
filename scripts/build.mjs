// Build the CLI and programmatic API into dist/ and ship the runtime sources beside them:
// the runtime is copied, as TypeScript, into every generated client.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
rmSync(join(root, 'dist'), { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
// tsc writes files without the execute bit; `npx etcd-gateway-codegen` in this repository (and a packed bin on
// systems where npm does not fix modes) runs bin.js directly.
chmodSync(join(root, 'dist/generator/bin.js'), 0o755);
// The manifest's type-only imports of the runtime pull it into the program; it ships as TypeScript only.
rmSync(join(root, 'dist/templates/runtime'), { recursive: true, force: true });
cpSync(join(root, 'templates/runtime'), join(root, 'dist/templates/runtime'), {
  recursive: true,
  filter: (src) => !src.endsWith('.test.ts'),
});
// etcd's spec files for every version of the manifest ship in dist/etcd-specs/ (with etcd's NOTICE and LICENSE), so
// that `generate --etcd <version>` and `compat` need no network; a file whose SHA-256 is not the manifest's stops the build.
const { MANIFEST, SPEC_NAMES, specFileName } = await import(join(root, 'dist/spec/manifest.js'));
const shipped = join(root, 'etcd-specs');
for (const { version, sha256 } of MANIFEST) {
  for (const name of SPEC_NAMES) {
    const file = join(shipped, `v${version}`, specFileName(name));
    const got = createHash('sha256').update(readFileSync(file)).digest('hex');
    if (got !== sha256[name]) throw new Error(`${file}: SHA-256 is ${got}, but spec/manifest.ts says ${sha256[name]} for etcd ${version}; refusing to ship it`);
  }
}
cpSync(shipped, join(root, 'dist/etcd-specs'), { recursive: true });
// The digest in every generated header covers the generator's own sources; dist/ carries their hash.
const { sourceFingerprint, FINGERPRINT_FILE } = await import(join(root, 'dist/generator/header.js'));
writeFileSync(join(root, 'dist', FINGERPRINT_FILE), `${await sourceFingerprint(root)}\n`);
