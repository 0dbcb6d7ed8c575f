#!/usr/bin/env node
// Launcher of the hive-journal CLI (bin/hive-journal.ts), in plain JavaScript so that any Node can
// read it: a Node older than 22.6 fails on a .ts file before running a line of it. It runs the CLI
// in this Node when it strips TypeScript types by default (22.18+, 23.6+, 24), else in the project's
// pinned Node (the `node` dev dependency, node_modules/.bin/node), else with
// --experimental-strip-types (22.6 to 22.17), else it says what is needed.
import { spawn } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('./hive-journal.ts', import.meta.url));
const pinnedNode = fileURLToPath(new URL('../node_modules/.bin/node', import.meta.url));
const args = process.argv.slice(2);

if (process.features.typescript) {
  await import(entry);
} else if (existsSync(pinnedNode) && realpathSync(pinnedNode) !== realpathSync(process.execPath)) {
  run(pinnedNode, [entry, ...args]);
} else if (supportsStripFlag(process.versions.node)) {
  run(process.execPath, [
    '--experimental-strip-types',
    '--disable-warning=ExperimentalWarning',
    entry,
    ...args,
  ]);
} else {
  process.stderr.write(
    `hive-journal needs Node.js 22.18 or later (it runs TypeScript directly); this is Node ${process.versions.node}.\n` +
      `Run \`npm install\` in ${fileURLToPath(new URL('..', import.meta.url))} (it installs the pinned Node 24), or use Node 24.\n`,
  );
  process.exitCode = 1;
}

/** Runs the CLI in another Node, passing signals on and exiting as it exits. */
function run(node, nodeArgs) {
  const child = spawn(node, nodeArgs, { stdio: 'inherit' });
  // The child is in the same process group and gets Ctrl-C itself; SIGTERM is passed on.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('error', (error) => {
    process.stderr.write(`hive-journal: cannot run ${node}: ${error.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal === 'SIGINT' ? 130 : 1);
  });
}

function supportsStripFlag(version) {
  const [major, minor] = version.split('.').map(Number);
  return major > 22 || (major === 22 && minor >= 6);
}
