// The fault proxy on a loopback echo server: each mode does what it says, and no mode loses or reorders a byte.
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFaultProxy, PASS, type FaultProxy } from './proxy.js';
import { sleep } from '../helpers/wait.js';

let echo: Server;
let proxy: FaultProxy;
const requests: string[] = [];

beforeAll(async () => {
  echo = createServer((s) => s.on('data', (d: Buffer) => (requests.push(d.toString()), s.write(d))));
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  proxy = await createFaultProxy({ name: 'echo', targetPort: (echo.address() as AddressInfo).port });
});
afterAll(async () => {
  await proxy.close();
  await new Promise((r) => echo.close(r));
});

function open(): Promise<{ socket: Socket; received: () => string; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    let text = '';
    const socket = connect(proxy.port, '127.0.0.1');
    const closed = new Promise<void>((r) => socket.on('close', () => r()));
    socket.on('data', (d: Buffer) => (text += d.toString()));
    socket.on('error', () => undefined);
    socket.once('connect', () => resolve({ socket, received: () => text, closed }));
    socket.once('error', reject);
  });
}

const until = async (cond: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !cond(); i++) await sleep(10);
};

describe('fault proxy', () => {
  it('passes, and keeps the order of delayed chunks', async () => {
    const c = await open();
    await proxy.setMode({ kind: 'delay', baseMs: 30, jitterMs: 25 });
    const sent = Array.from({ length: 20 }, (_, i) => `<${i}>`);
    for (const chunk of sent) {
      c.socket.write(chunk);
      await sleep(2);
    }
    await until(() => c.received().length === sent.join('').length);
    expect(c.received()).toBe(sent.join(''));
    await proxy.setMode(PASS);
    c.socket.destroy();
  });

  it('stalls without losing anything, and delivers it all when it passes again', async () => {
    const c = await open();
    await proxy.setMode({ kind: 'stall' });
    c.socket.write('held');
    await sleep(100);
    expect(c.received()).toBe('');
    await proxy.setMode(PASS);
    await until(() => c.received() === 'held');
    expect(c.received()).toBe('held');
    c.socket.destroy();
  });

  it('stalls replies only: the request arrives, the answer waits', async () => {
    const c = await open();
    await proxy.setMode({ kind: 'stall-replies' });
    c.socket.write('write-1');
    await until(() => requests.includes('write-1'));
    await sleep(50);
    expect(requests).toContain('write-1');
    expect(c.received()).toBe('');
    await proxy.setMode(PASS);
    await until(() => c.received() === 'write-1');
    expect(c.received()).toBe('write-1');
    c.socket.destroy();
  });

  it('resets every connection, and refuses new ones while the listener is closed', async () => {
    const c = await open();
    await proxy.setMode({ kind: 'reset' });
    await c.closed;
    await proxy.setMode({ kind: 'refuse' });
    await expect(open()).rejects.toThrow(/ECONNREFUSED/);
    await proxy.setMode(PASS);
    const again = await open();
    again.socket.write('back');
    await until(() => again.received() === 'back');
    expect(again.received()).toBe('back');
    again.socket.destroy();
  });

  it('applies a mode only to the links one member opened (X-Server-From)', async () => {
    const a = await open();
    const b = await open();
    a.socket.write('GET /raft/stream HTTP/1.1\r\nX-Server-From: 8e9e05c52164694d\r\n\r\n');
    b.socket.write('GET /raft/stream HTTP/1.1\r\nX-Server-From: 91bc3c398fb3c146\r\n\r\n');
    await until(() => a.received().length > 0 && b.received().length > 0);
    proxy.setModeFrom('8e9e05c52164694d', { kind: 'stall' });
    a.socket.write('x');
    b.socket.write('y');
    await until(() => b.received().endsWith('y'));
    await sleep(50);
    expect(a.received().endsWith('x')).toBe(false);
    proxy.setModeFrom('8e9e05c52164694d', undefined);
    await until(() => a.received().endsWith('x'));
    expect(a.received().endsWith('x')).toBe(true);
    a.socket.destroy();
    b.socket.destroy();
  });
});
