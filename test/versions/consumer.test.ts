/**
 * One consumer file (fixtures/consumer.ts) compiled, strictly as a consumer compiles (strict, exactOptionalPropertyTypes,
 * noUncheckedIndexedAccess, NodeNext), against the client of every etcd version: the synthesized 3.0- and
 * 3.1-shaped ones and the six with specs. Regenerating from another version keeps this code compiling, e.g.
 * `cluster.memberList()` with no argument, although 3.5 gave MemberListRequest a field.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { typeCheck } from '../helpers/typecheck.js';
import { ALL_VERSIONS, versionClientDir, writeConsumer } from './clients.js';

// Each version alone, and one client over the oldest and the newest (the union, with the version guard).
describe.each([...ALL_VERSIONS, '3.0.17+3.6.14'])('the client of etcd %s', (version) => {
  it('compiles the consumer file strictly', async () => {
    const dir = await versionClientDir(...version.split('+'));
    expect(typeCheck(dir, [writeConsumer(dir)])).toEqual([]);
  }, 60_000);
});

it('lets a request whose fields are all optional be left out, not only a field-less one', async () => {
  const services = readFileSync(join(await versionClientDir('3.5.33'), 'services.ts'), 'utf8');
  const models = readFileSync(join(await versionClientDir('3.5.33'), 'models.ts'), 'utf8');
  expect(models).toMatch(/export interface MemberListRequestInput \{[^}]*linearizable\?:/);
  expect(services).toMatch(/memberList\(request\?: MemberListRequestInput/);
  // A stream of requests is always given.
  expect(services).toMatch(/keepAlive\(\s*request: LeaseKeepAliveRequestInput \| readonly LeaseKeepAliveRequestInput\[\],/);
}, 60_000);
