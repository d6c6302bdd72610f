// Runs in the browser page: the compiled generated client against a real etcd (started with --cors '*').
// Every result is plain JSON (bigints as strings) so the test can compare it.

const text = (bytes) => new TextDecoder().decode(bytes);

export function createChecks(etcd) {
  return {
    /** put, range and watchEvents (over the browser's own WebSocket) without auth. */
    async basics(endpoint, prefix) {
      const client = etcd.createClient({ endpoints: endpoint });
      try {
        const put = await client.kv.put({ key: `${prefix}greeting`, value: 'héllo from a browser' });
        const range = await client.kv.range({ key: prefix, rangeEnd: etcd.prefixRangeEnd(prefix) });
        const start = put.header.revision + 1n;
        const seen = [];
        const watching = (async () => {
          for await (const e of client.watchEvents({
            key: `${prefix}w/`,
            prefix: true,
            startRevision: start,
            prevKv: true,
          })) {
            seen.push([e.type, text(e.kv.key), text(e.kv.value), String(e.kv.modRevision), text(e.prevKv?.value)]);
            if (seen.length === 3) break;
          }
        })();
        await client.kv.put({ key: `${prefix}w/1`, value: 'one' });
        await client.kv.put({ key: `${prefix}w/1`, value: 'two' });
        await client.kv.deleteRange({ key: `${prefix}w/1` });
        await watching;
        return {
          putRevision: typeof put.header.revision,
          kvs: range.kvs.map((kv) => [text(kv.key), text(kv.value), typeof kv.modRevision]),
          count: String(range.count),
          events: seen,
          start: String(start),
          globalWebSocket: typeof globalThis.WebSocket,
        };
      } finally {
        client.close();
      }
    },

    /** With auth on: a wrong password and a missing user name are EtcdErrors; the right password works. */
    async authErrors(endpoint, prefix) {
      const describe = async (run) => {
        try {
          await run();
          return 'no error';
        } catch (error) {
          return {
            isEtcdError: error instanceof etcd.EtcdError,
            codeName: error.codeName,
            httpStatus: error.httpStatus,
            message: error.message,
          };
        }
      };
      const wrong = etcd.createClient({ endpoints: endpoint, auth: { name: 'root', password: 'wrong' } });
      const anonymous = etcd.createClient({ endpoints: endpoint });
      const root = etcd.createClient({ endpoints: endpoint, auth: { name: 'root', password: 'rootpw' } });
      try {
        const range = await root.kv.range({ key: `${prefix}greeting` });
        const watched = await describe(() => anonymous.watchEvents({ key: prefix }).next());
        return {
          wrongPassword: await describe(() => wrong.kv.range({ key: prefix })),
          noUser: await describe(() => anonymous.kv.range({ key: prefix })),
          watchWithoutUser: watched,
          rootRead: range.kvs.map((kv) => text(kv.value)),
        };
      } finally {
        for (const client of [wrong, anonymous, root]) client.close();
      }
    },
  };
}
