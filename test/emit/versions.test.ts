/** Every etcd spec version generates, and the output compiles as a consumer compiles it. */
import { describe, expect, it } from 'vitest';
import { generateClientDir } from '../helpers/client.js';
import { specVersions } from '../helpers/specs.js';
import { typeCheck } from '../helpers/typecheck.js';

describe.each(specVersions)('etcd v%s', (version) => {
  it('generates a client that type-checks under strict, exactOptionalPropertyTypes and noUncheckedIndexedAccess', async () => {
    const dir = await generateClientDir({ etcd: version });
    expect(typeCheck(dir)).toEqual([]);
  }, 120_000);
});

it('knows at least the six versions the shared specs hold', () => {
  expect(specVersions).toEqual(expect.arrayContaining(['3.2.32', '3.3.12', '3.3.27', '3.4.45', '3.5.33', '3.6.14']));
});
