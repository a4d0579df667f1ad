#!/usr/bin/env node
// The `dine` executable.
import { main } from './main.js';
import { nodeHost } from './host.js';

// A closed pipe (`dine … | head`) ends the output, not the process with a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
process.exitCode = await main(process.argv.slice(2), nodeHost);
