import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { startBenchDatabase } from './bench-database.ts';
import { benchIngest } from './ingest.ts';

// `npm run bench [-- --scale small|full]`: every figure against a baseline measured in the same run,
// on the same data, printed as one JSON document (and a short table on stderr).
const { values } = parseArgs({ options: { scale: { type: 'string', default: 'small' } } });
const SCALES: Record<string, { events: number }> = { small: { events: 20_000 }, full: { events: 200_000 } };
const scale = SCALES[values.scale];
if (!scale) {
  console.error(`--scale must be one of ${Object.keys(SCALES).join(', ')}`);
  process.exit(2);
}

const db = await startBenchDatabase();
try {
  const ingest = await benchIngest(db, scale);
  const report = {
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
    },
    scale: values.scale,
    ingest,
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
} finally {
  await db.stop();
}
process.exit(0);
