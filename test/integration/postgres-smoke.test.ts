import pg from 'pg';
import { expect, inject, test } from 'vitest';

test('the test setup provides a running PostgreSQL 17 in UTC', async () => {
  const client = new pg.Client({ connectionString: `${inject('postgresServerUrl')}/postgres` });
  await client.connect();
  const { rows } = await client.query<{ version: string; tz: string }>(
    "SELECT current_setting('server_version') AS version, current_setting('TimeZone') AS tz",
  );
  await client.end();
  expect(rows[0]?.version).toMatch(/^17\./);
  expect(rows[0]?.tz).toBe('UTC');
});
