#!/usr/bin/env node
// The hive-journal command line (docs/cli.md). Runs on Node with TypeScript type stripping (22.18+,
// 23.6+, 24); `bin/hive-journal.mjs` is the launcher that finds such a Node when the current one is older.
import { processIo } from '../lib/cli/cli-io.ts';
import { runCli } from '../lib/cli/run-cli.ts';

const code = await runCli(process.argv.slice(2), processIo());
// Exit once the output is out, rather than wait for idle keep-alive connections to time out.
for (const stream of [process.stdout, process.stderr]) {
  await new Promise((resolve) => stream.write('', resolve));
}
process.exit(code);
