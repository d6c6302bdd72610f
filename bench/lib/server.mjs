// Which etcd a benchmark runs against: $ETCD_SERVER picks a row of test/helpers/servers.ts (the test harness
// starts that binary), else the first row (the system's package). A run against another server writes its own
// blocks of RESULTS.md (`<id>-<version>`), so the results of every server stay side by side.
import { importHarness } from './prepare.mjs';

const { SERVERS, currentServer } = await importHarness();

export const benchServer = currentServer();
const isDefault = benchServer.version === SERVERS[0].version;

/** The RESULTS.md block id of this run: `id` on the default server, `id-<version>` on another. */
export function serverBlock(id) {
  return isDefault ? id : `${id}-${benchServer.version}`;
}

/** A section title for this run: the title, and the server when it is not the default one. */
export function serverTitle(title) {
  return isDefault ? title : `${title} (etcd ${benchServer.version})`;
}

/** `etcd 3.5.30 (Debian etcd-server 3.5.30, fetched)` for the descriptions. */
export function serverLabel() {
  const how = benchServer.source === 'system' ? 'the system package' : 'fetched by scripts/fetch-etcd-servers.sh';
  return `etcd ${benchServer.version} (Debian etcd-server, ${how})`;
}
