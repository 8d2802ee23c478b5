#!/usr/bin/env node
import { main } from './main.js';

// Output piped into a reader that stops early (`simclr … | head`) is not an error of the command.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

process.exitCode = await main(process.argv.slice(2));
