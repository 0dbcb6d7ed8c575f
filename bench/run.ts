import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { benchAuthorizer } from './authorizer.ts';
import { startBenchDatabase } from './bench-database.ts';
import { benchClient } from './client.ts';
import { benchColdStart } from './cold-start.ts';
import { costModel, costTable, measureCostInputs } from './cost.ts';
import { benchHandlerCpu } from './handler-cpu.ts';
import { benchIngest } from './ingest.ts';
import { benchLocalStart } from './local-start.ts';
import { benchPages } from './pages.ts';
import { benchPins } from './pins.ts';
import { benchRetention } from './retention.ts';
import { benchRunsIndex } from './runs-index.ts';
import { SEED_SHAPES, seedEvents } from './seed-events.ts';

// `npm run bench [-- --scale small|full]`: every figure against a baseline measured in the same run,
// on the same data, printed as one JSON document (and a short table on stderr).
const { values } = parseArgs({ options: { scale: { type: 'string', default: 'small' } } });
// events: ingest's per batch size; pinEvents: the run each capture mode archives; clientSeconds: each
// producer-client phase.
const SCALES: Record<string, { events: number; pinEvents: number; clientSeconds: number }> = {
  small: { events: 20_000, pinEvents: 100_000, clientSeconds: 10 },
  full: { events: 200_000, pinEvents: 1_000_000, clientSeconds: 30 },
};
const scale = SCALES[values.scale];
const shape = SEED_SHAPES[values.scale];
if (!scale || !shape) {
  console.error(`--scale must be one of ${Object.keys(SCALES).join(', ')}`);
  process.exit(2);
}

const db = await startBenchDatabase();
try {
  const ingest = await benchIngest(db, scale);
  console.error('handler CPU: the ingest use case over the Data API adapter, SDK answering at once...');
  const handlerCpu = await benchHandlerCpu();
  const ingestRate = ingest.handler.find((rate) => rate.batchSize === 1000)?.eventsPerSecond ?? 0;
  console.error(`pins: archiving a run of ${scale.pinEvents} events in each mode...`);
  const pins = await benchPins(db, { events: scale.pinEvents }, ingestRate);
  console.error(`client: ${scale.clientSeconds} s per phase...`);
  const client = await benchClient({ seconds: scale.clientSeconds });
  console.error(`seeding ${shape.events} events over ${shape.days} days...`);
  const seeded = await seedEvents(db, shape);
  const pages = await benchPages(db);
  const runsIndex = await benchRunsIndex(db);
  const retention = await benchRetention(db, shape);
  const coldStart = await benchColdStart();
  console.error('local start: npm start cold (synth included) and warm...');
  const localStart = await benchLocalStart();
  console.error('authorizer: bearer tokens (cache hit, miss) against IAM on the same route...');
  const authorizer = await benchAuthorizer();
  // Last on the database: it empties the journal.
  console.error('cost: packed ingest, storage, a page read...');
  const cost = costModel(await measureCostInputs(db, { events: scale.events }));
  const report = {
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
    },
    scale: values.scale,
    ingest: { ...ingest, handlerCpu },
    pins,
    client,
    seed: { ...seeded.shape, seconds: seeded.seconds },
    pages,
    runsIndex,
    retention,
    coldStart,
    localStart,
    authorizer,
    cost,
  };
  console.log(JSON.stringify(report, null, 2));
  console.error('\ningest (events/s)');
  for (const rate of ingest.handler)
    console.error(`  handler, batch ${String(rate.batchSize).padEnd(5)} ${rate.eventsPerSecond}`);
  console.error(`  COPY baseline         ${ingest.copy.eventsPerSecond}`);
  console.error(`  one INSERT per event  ${ingest.singleRow.eventsPerSecond}`);
  console.error(
    `  the ingest statement alone, direct, batch 1000 ${ingest.statementAlone.eventsPerSecond} (x${ingest.ratios.statementAloneVsCopy} COPY)`,
  );
  console.error(
    `  batch 1000 x ${ingest.concurrent.handler.concurrency} at once ${ingest.concurrent.handler.eventsPerSecond}; COPY x ${ingest.concurrent.copy.streams} streams ${ingest.concurrent.copy.eventsPerSecond}; ratio ${ingest.ratios.batch1000ConcurrentVsCopyConcurrent}`,
  );
  console.error(
    `  batch 1000 / COPY = ${ingest.ratios.batch1000VsCopy} (target >= 0.5); / single-row = ${ingest.ratios.batch1000VsSingleRow} (target >= 10)`,
  );
  console.error(
    `  batch 1000: ingest statement / COPY = ${ingest.ratios.statementVsCopy} (target >= 0.6), handler / COPY = ${ingest.ratios.handlerVsCopy} (target >= 0.5)`,
  );
  for (const cpu of handlerCpu.shapes)
    console.error(
      `  handler CPU, ${cpu.shape.padEnd(9)} ${cpu.handlerMicrosPerEvent} us/event (adapter ${cpu.adapterMicrosPerEvent}); floor ${cpu.floorMicrosPerEvent} (parse + stringify each body), x${cpu.ratio} (target <= 3); one-payload floor ${cpu.payloadFloorMicrosPerEvent}, x${cpu.ratioToPayloadFloor}`,
    );
  console.error(
    `\npins (a run of ${pins.runEvents} events; rows archived/s by pin + maintenance passes over the Data API)`,
  );
  for (const m of pins.modes)
    console.error(
      `  ${m.mode.padEnd(12)} ${String(m.rows).padStart(8)} rows  ${m.rowsPerSecond}/s  x${m.vsIngest} of ingest (${pins.ingestEventsPerSecond}/s)  x${m.vsPlainInsertSelect} of INSERT ... SELECT (${m.plainInsertSelect.rowsPerSecond}/s)`,
    );
  const { publishCost, sustained, overload } = client;
  console.error(`\nclient (events of ~${client.eventBytes} bytes, local SQS in a process of its own)`);
  console.error(
    `  publish() us p50/p99/max ${publishCost.publishUs.p50}/${publishCost.publishUs.p99}/${publishCost.publishUs.max}; JSON.stringify p50 ${publishCost.stringifyUs.p50} (x${client.ratios.publishVsStringify})`,
  );
  console.error(
    `  publish() calls over 1 ms ${publishCost.callsOver1ms} of ${publishCost.calls}; GC pauses over 1 ms ${publishCost.gcPauses.over1ms}, longest ${publishCost.gcPauses.maxMs} ms`,
  );
  console.error(
    `  sustained: delivered ${sustained.deliveredPerSecond}/s; raw SendMessageBatch of the envelopes ${client.rawEnvelopes.eventsPerSecond}/s (x${client.ratios.deliveredVsRawEnvelopes}), one event a message ${client.rawOnePerMessage.eventsPerSecond}/s (x${client.ratios.deliveredVsRawOnePerMessage})`,
  );
  console.error(
    `  overload (bursts of ${overload.callsPerTurn}): published ${overload.publishedPerSecond}/s, delivered ${overload.deliveredPerSecond}/s, dropped INFO ${overload.dropped.INFO}, WARN/ERROR lost ${overload.lostWarnError}, backpressure episodes ${overload.backpressureEpisodes}`,
  );
  console.error(
    `\npages (limit ${pages.pageLimit}; ms p50/p99: use case over the Data API | its statements, direct | OFFSET p50, direct)`,
  );
  for (const page of pages.cases)
    for (const d of page.depths)
      console.error(
        `  ${page.name.padEnd(24)} depth ${String(d.depth).padEnd(6)} ${d.keyset.p50}/${d.keyset.p99} | ${d.statement.p50}/${d.statement.p99} | OFFSET ${d.offset.p50}  x${d.offsetVsStatement}`,
      );
  console.error(
    `  Data API round trip (SELECT 1) ${pages.dataApiRoundTrip.p50}/${pages.dataApiRoundTrip.p99}`,
  );
  console.error(`  targets ${JSON.stringify(pages.targets)}`);
  console.error(
    `\nruns index: listRuns p50/p99 ${runsIndex.listRuns.p50}/${runsIndex.listRuns.p99} ms (its statement, direct: ${runsIndex.listRunsStatement.p50}/${runsIndex.listRunsStatement.p99}), GROUP BY p50 ${runsIndex.groupByScan.p50} ms, x${runsIndex.groupByVsListRuns} (x${runsIndex.groupByVsListRunsStatement} against the statement)`,
  );
  console.error(
    `retention: drop ${retention.dropMs} ms, DELETE ${retention.deleteMs} ms of ${retention.rowsPerDay} rows, x${retention.deleteVsDrop} (target >= 100); VACUUM after DELETE ${retention.vacuumAfterDeleteMs} ms, DROP statement alone ${retention.directDropStatementMs} ms; WAL written: DELETE ${retention.deleteWalBytes} B, drop ${retention.dropWalBytes} B (x${retention.deleteVsDropWal})`,
  );
  console.error(
    `\ncold start (bundle KiB, module init ms, median of 5, tracing active; SDK client alone ${coldStart.sdkRdsDataOnlyInitMs} ms)`,
  );
  for (const f of coldStart.functions)
    console.error(
      `  ${f.name.padEnd(12)} ${String(f.kib).padStart(6)}  ${String(f.initMs).padStart(6)}  ${f.initMs <= 100 ? 'ok' : '>100'}`,
    );
  console.error('  each import alone (ms, KiB):');
  for (const i of coldStart.imports)
    console.error(`    ${i.module.padEnd(34)} ${String(i.ms).padStart(6)}  ${i.kib}`);
  console.error(
    `\nnpm start to ready: cold ${localStart.coldSeconds} s (target <= 30; cdk synth alone ${localStart.baselines.cdkSynthAloneSeconds} s), warm ${localStart.warmSeconds} s (target <= 5; PostgreSQL start alone ${localStart.baselines.postgresWarmStartSeconds} s)`,
  );
  console.error(`\nauthorizer (${authorizer.route}, ${authorizer.samples} requests each; ms p50 / p99)`);
  console.error(`  IAM (SigV4) baseline   ${authorizer.iamMs.p50} / ${authorizer.iamMs.p99}`);
  console.error(
    `  bearer, cache hit      ${authorizer.jwtCacheHitMs.p50} / ${authorizer.jwtCacheHitMs.p99} (+${authorizer.overheadVsIamMs.cacheHitP50} p50)`,
  );
  console.error(
    `  bearer, cache miss     ${authorizer.jwtCacheMissMs.p50} / ${authorizer.jwtCacheMissMs.p99} (+${authorizer.overheadVsIamMs.cacheMissP50} p50)`,
  );
  console.error('');
  for (const line of costTable(cost)) console.error(line);
} finally {
  await db.stop();
}
process.exit(0);
