import type pg from 'pg';
import { toDataApiParameters } from '../lib/db/data-api-parameters.ts';
import { requestBodyJson } from '../lib/db/data-api-request-size.ts';
import type { RecordedStatement } from '../lib/db/recording-sql-client.ts';
import { translateNamedParameters } from '../local/data-api/named-parameters.ts';
import { bindParameters } from '../local/data-api/parameters.ts';
import { executeStatementRequest, parseRequestBody } from '../local/data-api/requests.ts';

const rawText = { getTypeParser: () => (value: string) => value };

/**
 * Runs recorded statements on a direct connection exactly as the local Data API binds them (the
 * request body the SDK would send, parsed and bound by the endpoint's own code; extended protocol,
 * raw text rows): the statements' own cost, without the HTTP, JSON and SDK work around them.
 * Returns the number of rows they returned.
 */
export async function replayDirect(pool: pg.Pool, statements: readonly RecordedStatement[]): Promise<number> {
  let rows = 0;
  for (const statement of statements) {
    const named = translateNamedParameters(statement.sql);
    const body = requestBodyJson({
      resourceArn: '',
      secretArn: '',
      sql: '',
      parameters: toDataApiParameters(statement.parameters),
    });
    const request = parseRequestBody(body, executeStatementRequest);
    const bound = bindParameters(named, request.parameters);
    const result = await pool.query({
      text: named.text,
      values: bound.values,
      types: Object.assign([...bound.types], rawText) as unknown as pg.CustomTypesConfig,
      rowMode: 'array',
    } as pg.QueryArrayConfig);
    rows += result.rows.length;
  }
  return rows;
}
