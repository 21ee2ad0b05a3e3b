#!/usr/bin/env node
// Entry point: run the CLI, then exit once stdout and stderr are flushed, so a stray handle
// (a paused terminal, a keep-alive socket) can never keep a finished command alive.
import { main } from '../dist/cli/main.js';

await main(process.argv);
const code = process.exitCode ?? 0;
const flush = (stream) => new Promise((resolve) => (stream.writableLength === 0 ? resolve() : stream.write('', resolve)));
await Promise.all([flush(process.stdout), flush(process.stderr)]);
process.exit(code);
