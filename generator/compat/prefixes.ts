/**
 * Path prefixes: does the prefix a client uses reach the other side's server? Servers answer only the
 * prefixes their version serves (spec/versions.ts), whatever their spec says: the v3.3.27 spec writes /v3,
 * which a 3.3 server does not serve.
 */
import type { ApiModel } from '../../spec/model.js';
import { preferredPrefix, servedPrefixes } from '../../spec/versions.js';
import type { CompareContext } from './context.js';
import type { Change, Level } from './types.js';

/** The prefix a model's routes use (the first when they disagree), or undefined when they have none. */
export function specPrefixOf(model: ApiModel): string | undefined {
  const prefixes = model.services.flatMap((s) => s.operations.map((op) => op.route.specPrefix)).filter(Boolean);
  return [...new Set(prefixes)].sort()[0];
}

interface Verdict {
  readonly served: boolean;
  readonly level: Level;
  readonly reason: string;
}

export function comparePrefixes(ctx: CompareContext): { changes: Change[]; notes: string[] } {
  const [oldPrefix, newPrefix] = [specPrefixOf(ctx.old), specPrefixOf(ctx.new)];
  const a = judge(ctx, oldPrefix, ctx.newVersion, ctx.newServer);
  const b = judge(ctx, newPrefix, ctx.oldVersion, ctx.oldServer);
  const notes = [ownPrefixNote(oldPrefix, ctx.oldVersion), ownPrefixNote(newPrefix, ctx.newVersion)].filter((n): n is string => n !== undefined);
  if (a.served && b.served && oldPrefix === newPrefix) return { changes: [], notes: [...new Set(notes)] };
  const id = a.served && b.served ? 'prefix-changed' : 'prefix-not-served';
  const change: Change = {
    id,
    level: { A: a.level, B: b.level },
    reason: { A: a.reason, B: b.reason },
    from: oldPrefix ?? '(none)',
    to: newPrefix ?? '(none)',
    text: `path prefix: ${oldPrefix ?? '(none)'} → ${newPrefix ?? '(none)'}`,
  };
  return { changes: [change], notes: [...new Set(notes)] };
}

/** A client whose spec uses `prefix`, talking to a server of `version`. */
function judge(ctx: CompareContext, prefix: string | undefined, version: string | undefined, server: string): Verdict {
  if (version === undefined) {
    return { served: true, level: 'INFO', reason: `the version of ${server} is unknown: compat cannot tell which prefixes it serves` };
  }
  const served = servedPrefixes(version);
  const list = served.join(', ');
  const ok = prefix !== undefined && (served as string[]).includes(prefix);
  if (ctx.prefixMode === 'auto') {
    return { served: ok, level: 'INFO', reason: `assuming prefix 'auto': the client reads GET /version and uses ${preferredPrefix(version)}, which ${server} serves (${list})` };
  }
  if (ok) return { served: true, level: 'INFO', reason: `assuming the client sends its spec's prefix ${prefix}: ${server} serves it (${list})` };
  return {
    served: false,
    level: 'ERR',
    reason:
      `assuming the client sends its spec's prefix ${prefix ?? '(none)'}: ${server} serves only ${list}, so every call fails with 404; ` +
      `a generated client with prefix 'auto' (its default) picks ${preferredPrefix(version)} from GET /version and is not affected`,
  };
}

function ownPrefixNote(prefix: string | undefined, version: string | undefined): string | undefined {
  if (prefix === undefined || version === undefined) return undefined;
  const served = servedPrefixes(version) as string[];
  if (served.includes(prefix)) return undefined;
  return `the etcd ${version} spec's routes use ${prefix}, which an etcd ${version} server does not serve (it serves ${served.join(', ')}): a client must not take its prefix from that spec`;
}
