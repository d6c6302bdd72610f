// The ways the unary benchmarks talk to etcd: the generated client, a hand-written fetch loop and a hand-written
// node:http keep-alive loop sending the same JSON to the same gateway, and etcd3 (gRPC). Each arm offers put(i)
// and range(i) on key i.
import { randomBytes } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export const KEYS = 1000;
export const VALUE_BYTES = 64;
const keyOf = (i) => `bench/unary/${String(i % KEYS).padStart(4, '0')}`;
const value = randomBytes(VALUE_BYTES);

export function generatedArm(createClient, url, { id = 'generated', label = 'generated client', options = {} } = {}) {
  const client = createClient({ endpoints: url, ...options });
  return {
    id,
    label,
    put: (i) => client.kv.put({ key: keyOf(i), value }),
    range: async (i) => {
      const res = await client.kv.range({ key: keyOf(i) });
      if (res.kvs.length !== 1) throw new Error(`generated: ${keyOf(i)} not found`);
    },
    close: () => client.close(),
  };
}

/**
 * What a user would write by hand with fetch: base64 the key and value, POST JSON, read the JSON answer.
 * `signal`: a fresh AbortController's signal on every request, as any client that can cancel or time out a call
 * needs. `decode`: the generated decoders turn the answer into typed values, as the generated client does.
 */
export function fetchArm(url, { signal = false, decode } = {}) {
  const post = async (route, body, decodeAnswer) => {
    const res = await fetch(`${url}/v3${route}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      ...(signal ? { signal: new AbortController().signal } : {}),
    });
    if (!res.ok) throw new Error(`fetch ${route}: HTTP ${res.status} ${await res.text()}`);
    return decodeAnswer ? decodeAnswer(JSON.parse(await res.text())) : res.json();
  };
  const b64 = (text) => Buffer.from(text).toString('base64');
  const id = `fetch${signal ? '-signal' : ''}${decode ? '-decode' : ''}`;
  return {
    id,
    label: ['hand-written fetch', signal && 'an AbortSignal per call', decode && 'generated decoders'].filter(Boolean).join(' + '),
    put: (i) => post('/kv/put', { key: b64(keyOf(i)), value: value.toString('base64') }, decode?.put),
    range: async (i) => {
      const res = await post('/kv/range', { key: b64(keyOf(i)) }, decode?.range);
      if (res.kvs?.length !== 1) throw new Error(`${id}: ${keyOf(i)} not found`);
    },
    close: () => undefined,
  };
}

/**
 * What a user would write by hand with node:http: one keep-alive agent, POST JSON with a Content-Length, collect
 * the answer and JSON.parse it. `tls`: node:https agent options (ca, cert, key) for an https:// url.
 */
export function httpArm(url, { tls } = {}) {
  const secure = url.startsWith('https:');
  const agent = secure ? new HttpsAgent({ keepAlive: true, ...tls }) : new HttpAgent({ keepAlive: true });
  const request = secure ? httpsRequest : httpRequest;
  const post = (route, body) =>
    new Promise((resolve, reject) => {
      const payload = JSON.stringify(body);
      const req = request(`${url}/v3${route}`, {
        method: 'POST',
        agent,
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) },
      });
      req.on('error', reject);
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('error', reject);
        res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(text)) : reject(new Error(`http ${route}: ${res.statusCode} ${text}`))));
      });
      req.end(payload);
    });
  const b64 = (text) => Buffer.from(text).toString('base64');
  return {
    id: 'http',
    label: 'hand-written node:http keep-alive loop',
    put: (i) => post('/kv/put', { key: b64(keyOf(i)), value: value.toString('base64') }),
    range: async (i) => {
      const res = await post('/kv/range', { key: b64(keyOf(i)) });
      if (res.kvs?.length !== 1) throw new Error(`http: ${keyOf(i)} not found`);
    },
    close: () => agent.destroy(),
  };
}

export function etcd3Arm(Etcd3, url, credentials) {
  const client = new Etcd3({ hosts: url, ...(credentials ? { credentials } : {}) });
  return {
    id: 'etcd3',
    label: 'etcd3 (gRPC)',
    put: (i) => client.put(keyOf(i)).value(value).exec(),
    range: async (i) => {
      const got = await client.get(keyOf(i)).buffer();
      if (got === null) throw new Error(`etcd3: ${keyOf(i)} not found`);
    },
    close: () => client.close(),
  };
}

/** `total` operations by `concurrency` workers pulling the next index; resolves to ops per second. */
export async function drive(op, total, concurrency, offset = 0) {
  return (await driveWithCpu(op, total, concurrency, offset)).opsPerSecond;
}

/** drive(), also giving this process's CPU time (user + system) per operation in microseconds. */
export async function driveWithCpu(op, total, concurrency, offset = 0) {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < total; i = next++) await op(offset + i);
  };
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu);
  return { opsPerSecond: total / seconds, cpuMicros: (used.user + used.system) / total };
}
