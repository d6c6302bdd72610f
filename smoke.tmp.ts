import { createClient, createFakeEtcd } from './generated/index.js';
import { routeFetch } from './test/helpers/fake.js';
const fake = createFakeEtcd({ version: '3.5.30' });
routeFetch(fake as any);
const c = createClient({ endpoints: fake.clientOptions.endpoints, fetch: (i, n) => fetch(i, n), WebSocket: null });
const revs: bigint[] = [];
for (let i = 0; i < 5; i++) revs.push((await c.kv.put({ key: 'k', value: 'v' + i })).header!.revision);
console.log(revs);
await c.kv.compact({ revision: revs[3]!, physical: true });
try { for await (const e of c.watchEvents({ key: 'k', startRevision: revs[0] })) console.log(e); } catch (e) { console.log('err', String(e)); }
console.log('done')
