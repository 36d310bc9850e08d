#!/usr/bin/env node
import { processIo } from './output.js';
import { runCli } from './run-cli.js';

// The `callsign` bin.
const code = await runCli(process.argv.slice(2), { io: processIo, env: process.env, stdin: process.stdin });
// Flush both streams, then exit: an open stdin or a stopped server's timers must not keep the process alive.
await Promise.all([process.stdout, process.stderr].map((stream) => new Promise((resolve) => stream.write('', resolve))));
process.exit(code);
