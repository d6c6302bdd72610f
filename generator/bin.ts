#!/usr/bin/env node
/** The `etcd-gateway-codegen` executable. */
import { main } from './cli.js';

process.exitCode = await main(process.argv.slice(2));
