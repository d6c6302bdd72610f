// The same generated files serve browsers: a consumer importing createClient bundles for the browser (esbuild
// --platform=browser --bundle) without errors and without any `node:` module. The Node engine reaches node:http
// through process.getBuiltinModule at run time, which a bundler never follows.
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/specs.js';

describe('a browser bundle of the generated client', () => {
  it('builds and pulls in no node: module', async () => {
    const result = await build({
      stdin: {
        contents: `import { createClient } from ${JSON.stringify(join(repoRoot, 'generated/index.ts'))};\nexport const client = createClient({ endpoints: 'https://etcd.example:2379' });`,
        resolveDir: repoRoot,
        loader: 'ts',
      },
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((path) => path.includes('core/engines/node.ts'))).toBe(true); // the engine is there…
    const imports = Object.values(result.metafile.inputs).flatMap((input) => input.imports.map((i) => i.path));
    expect(imports.filter((path) => path.startsWith('node:') || !path.includes('/'))).toEqual([]); // …its modules are not
    const code = result.outputFiles[0]!.text;
    expect(code).not.toMatch(/\bfrom\s*["']node:|\brequire\(\s*["']node:|\bimport\(\s*["']node:/);
    // Not even a "node:…" string: tools that vet browser bundles look for those.
    expect(code).not.toMatch(/["']node:[a-z_/]+["']/);
  });
});
