#!/usr/bin/env node
/** The `etcd-gateway-codegen` executable: the no-op fast path first, the full CLI when there is more to do. */
import { runNoOpFastPath } from './fast-path.js';

const argv = process.argv.slice(2);
process.exitCode = (await runNoOpFastPath(argv)) ?? (await (await import('./cli.js')).main(argv));
