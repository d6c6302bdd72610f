/**
 * `@since`/`@until` notes for what not every etcd version of a multi-version client has. `versions` are the
 * versions that have it, `all` the versions the client spans (both oldest first); a single-version client
 * gets no note.
 */
export function versionNote(versions: readonly string[] | undefined, all: readonly string[]): string | undefined {
  if (!versions || versions.length === 0 || all.length < 2) return undefined;
  const first = all.indexOf(versions[0]!);
  const last = all.indexOf(versions[versions.length - 1]!);
  if (first < 0 || last < 0) return `Only in etcd ${versions.join(', ')}.`;
  const lines: string[] = [];
  if (last - first + 1 !== versions.length) {
    const missing = all.slice(first, last + 1).filter((v) => !versions.includes(v));
    lines.push(`Only in etcd ${versions.join(', ')} (not in ${missing.join(', ')}).`);
  }
  if (first > 0) lines.push(`@since etcd ${versions[0]} (not in ${all[first - 1]})`);
  if (last < all.length - 1) lines.push(`@until etcd ${versions[versions.length - 1]} (not in ${all[last + 1]})`);
  return lines.join('\n');
}


/** For an enum over several versions: the values not every version has. */
export function valueNotes(e: { readonly values: readonly { readonly name: string; readonly versions?: readonly string[] }[] }, all: readonly string[]): string | undefined {
  const partial = e.values.filter((v) => v.versions);
  if (partial.length === 0 || all.length < 2) return undefined;
  return `Not in every etcd version: ${partial.map((v) => `\`${v.name}\` (etcd ${v.versions!.join(', ')})`).join(', ')}.`;
}
