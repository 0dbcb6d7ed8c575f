import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { startBenchDatabase } from './bench-database.ts';
import { benchColdStart } from './cold-start.ts';
import { benchIngest } from './ingest.ts';
import { benchPages } from './pages.ts';
import { benchRetention } from './retention.ts';
import { benchRunsIndex } from './runs-index.ts';
import { SEED_SHAPES, seedEvents } from './seed-events.ts';

// `npm run bench [-- --scale small|full]`: every figure against a baseline measured in the same run,
// on the same data, printed as one JSON document (and a short table on stderr).
const { values } = parseArgs({ options: { scale: { type: 'string', default: 'small' } } });
const SCALES: Record<string, { events: number }> = { small: { events: 20_000 }, full: { events: 200_000 } };
const scale = SCALES[values.scale];
const shape = SEED_SHAPES[values.scale];
if (!scale || !shape) {
  console.error(`--scale must be one of ${Object.keys(SCALES).join(', ')}`);
  process.exit(2);
}

const db = await startBenchDatabase();
try {
  const ingest = await benchIngest(db, scale);
  console.error(`seeding ${shape.events} events over ${shape.days} days...`);
  const seeded = await seedEvents(db, shape);
  const pages = await benchPages(db);
  const runsIndex = await benchRunsIndex(db);
  const retention = await benchRetention(db, shape);
  const coldStart = await benchColdStart();
  const report = {
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
    },
    scale: values.scale,
    ingest,
    seed: { ...seeded.shape, seconds: seeded.seconds },
    pages,
    runsIndex,
    retention,
    coldStart,
  };
  console.log(JSON.stringify(report, null, 2));
  console.error('\ningest (events/s)');
  for (const rate of ingest.handler)
    console.error(`  handler, batch ${String(rate.batchSize).padEnd(5)} ${rate.eventsPerSecond}`);
  console.error(`  COPY baseline         ${ingest.copy.eventsPerSecond}`);
  console.error(`  one INSERT per event  ${ingest.singleRow.eventsPerSecond}`);
  console.error(
    `  batch 1000 / COPY = ${ingest.ratios.batch1000VsCopy} (target >= 0.5); / single-row = ${ingest.ratios.batch1000VsSingleRow} (target >= 10)`,
  );
  console.error(`\npages (limit ${pages.pageLimit}; ms p50/p99 keyset over the Data API, OFFSET p50)`);
  for (const page of pages.cases)
    for (const d of page.depths)
      console.error(
        `  ${page.name.padEnd(24)} depth ${String(d.depth).padEnd(6)} ${d.keyset.p50}/${d.keyset.p99}  OFFSET ${d.offset.p50}  x${d.offsetVsKeyset}`,
      );
  console.error(
    `  Data API round trip (SELECT 1) ${pages.dataApiRoundTrip.p50}/${pages.dataApiRoundTrip.p99}`,
  );
  console.error(`  targets ${JSON.stringify(pages.targets)}`);
  console.error(
    `\nruns index: listRuns p50/p99 ${runsIndex.listRuns.p50}/${runsIndex.listRuns.p99} ms, GROUP BY p50 ${runsIndex.groupByScan.p50} ms, x${runsIndex.groupByVsListRuns}`,
  );
  console.error(
    `retention: drop ${retention.dropMs} ms, DELETE ${retention.deleteMs} ms of ${retention.rowsPerDay} rows, x${retention.deleteVsDrop} (target >= 100); VACUUM after DELETE ${retention.vacuumAfterDeleteMs} ms, DROP statement alone ${retention.directDropStatementMs} ms`,
  );
  console.error(`\ncold start (bundle KiB, module init ms; SDK alone ${coldStart.sdkRdsDataOnlyInitMs} ms)`);
  for (const f of coldStart.functions) console.error(`  ${f.name.padEnd(12)} ${f.kib}  ${f.initMs}`);
} finally {
  await db.stop();
}
process.exit(0);
