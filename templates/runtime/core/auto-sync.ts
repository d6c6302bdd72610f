// ClientOptions.autoSyncIntervalMs: the endpoint list follows the cluster, as Go's AutoSyncInterval does. Every
// interval the client asks `cluster.memberList` and keeps the client URLs of the started, voting members (a
// member added but not started has no name yet; a learner serves no client traffic). A failed or empty answer
// keeps the list; the timer never holds a Node process open and stops with close().
import { normalizeEndpoints } from './endpoints.js';
import { observeStart } from './observe.js';
import type { OperationDescriptor, Transport } from '../types.js';

const MEMBER_LIST: OperationDescriptor = { name: 'cluster.memberList', route: '/cluster/member/list', safety: 'read' };

/** Starts syncing `transport`'s endpoints every `intervalMs`; `replace` installs a new list. */
export function startAutoSync(
  transport: Transport,
  intervalMs: number,
  replace: (endpoints: readonly string[]) => void,
): void {
  let running = false;
  const timer = setInterval(() => {
    if (running || transport.closed.aborted) return;
    running = true;
    void syncOnce(transport, replace).finally(() => (running = false));
  }, intervalMs);
  (timer as { unref?: () => void }).unref?.();
  transport.closed.addEventListener('abort', () => clearInterval(timer), { once: true });
}

/** One refresh: the member list's client URLs, or nothing changed. Failures are reported, never thrown. */
export async function syncOnce(transport: Transport, replace: (endpoints: readonly string[]) => void): Promise<void> {
  const observed = observeStart(transport.options, 'sync', MEMBER_LIST.name, transport.endpoints[0] ?? '', 1);
  try {
    const answer = await transport.unary(MEMBER_LIST, {}, { signal: transport.closed });
    const urls = clientUrls(answer);
    if (urls.length > 0 && !sameList(urls, transport.endpoints)) replace(urls);
    observed.end();
  } catch (error) {
    observed.end(error, transport.closed.aborted);
  }
}

/** The client URLs of started voting members, normalized and without duplicates, in the order listed. */
export function clientUrls(answer: Record<string, unknown>): string[] {
  const members = Array.isArray(answer['members']) ? (answer['members'] as unknown[]) : [];
  const urls: string[] = [];
  for (const member of members) {
    if (typeof member !== 'object' || member === null) continue;
    const { name, isLearner, clientURLs } = member as Record<string, unknown>;
    if (typeof name !== 'string' || name === '' || isLearner === true || !Array.isArray(clientURLs)) continue;
    for (const url of clientURLs) if (typeof url === 'string' && url !== '') urls.push(url);
  }
  if (urls.length === 0) return [];
  try {
    return normalizeEndpoints(urls);
  } catch {
    return []; // a URL this client cannot use: keep what it has
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((url, i) => url === b[i]);
}
