import { writeFile } from 'node:fs/promises';
import { startBenchDatabase } from '../bench/bench-database.ts';
import {
  captureReleaseStatements,
  currentVersion,
  formatSnapshot,
  snapshotPath,
} from '../test/support/release-statements.ts';

// Writes test/compat/releases/<package.json version>.json: the statements this code runs, which the
// rollback test (test/integration/migration-rollback.test.ts) runs against the next release's schema.
// Only the current version's file is written; older ones are frozen. See docs/migrations.md.
const db = await startBenchDatabase();
try {
  const target = snapshotPath(currentVersion());
  const statements = await captureReleaseStatements(db.sql);
  await writeFile(target, formatSnapshot(statements));
  console.log(`wrote ${statements.length} statements to ${target}`);
} finally {
  await db.stop();
}
