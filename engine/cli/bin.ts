#!/usr/bin/env node
// The `dine` executable.
import { main } from './main.js';
import { nodeHost } from './host.js';

process.exitCode = await main(process.argv.slice(2), nodeHost);
