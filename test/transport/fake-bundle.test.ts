// createFakeEtcd costs nothing in a bundle that does not import it (the index's createFakeEtcd is a function
// declaration over runtime/testing/, which esbuild drops when unused), and a browser bundle that does import it
// builds with no `node:` module: the fake runs in browsers too.
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/specs.js';

async function bundle(contents: string): Promise<{ testingBytes: number; code: string }> {
  const result = await build({
    stdin: { contents, resolveDir: repoRoot, loader: 'ts' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  expect(result.errors).toEqual([]);
  const output = Object.values(result.metafile.outputs)[0]!;
  const testingBytes = Object.entries(output.inputs)
    .filter(([path]) => path.includes('runtime/testing/'))
    .reduce((sum, [, input]) => sum + input.bytesInOutput, 0);
  return { testingBytes, code: result.outputFiles[0]!.text };
}

const index = JSON.stringify(join(repoRoot, 'generated/index.ts'));

describe('createFakeEtcd in a bundle', () => {
  it('is absent from a bundle that only creates a client', async () => {
    const { testingBytes, code } = await bundle(`import { createClient } from ${index};\nexport const client = createClient({ endpoints: 'https://etcd.example:2379' });`);
    expect(testingBytes).toBe(0);
    expect(code).not.toContain('createFakeEtcdAs');
  });

  it('is there, with no node: module, in a browser bundle that uses it', async () => {
    const { testingBytes, code } = await bundle(
      `import { createClient, createFakeEtcd } from ${index};\nconst fake = createFakeEtcd();\nexport const client = createClient(fake.clientOptions);`,
    );
    expect(testingBytes).toBeGreaterThan(10_000);
    expect(code).not.toMatch(/["']node:[a-z_/]+["']/);
  });
});
