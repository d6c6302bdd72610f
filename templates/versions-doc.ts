/** `@since`/`@until` notes for what not every etcd version of a multi-version client has. */
export function versionNote(versions: readonly string[] | undefined): string | undefined {
  if (!versions || versions.length === 0) return undefined;
  return `Only in etcd ${versions.join(', ')}.`;
}
