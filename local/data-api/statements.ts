import type pg from 'pg';
import { DataApiServiceError } from './errors.ts';
import type { BoundParameters } from './parameters.ts';
import type { Session } from './sessions.ts';

/** A statement that outlived its call; `stillRunning` settles when it really ends. */
export class StatementTimeoutFailure extends DataApiServiceError {
  readonly stillRunning: Promise<boolean>;

  constructor(dbConnectionId: number, stillRunning: Promise<boolean>) {
    super('StatementTimeoutException', 'Request timed out', { dbConnectionId });
    this.stillRunning = stillRunning;
  }
}

export interface StatementDeadline {
  /** Epoch ms at which the call gives up. */
  readonly at: number;
  /** Leave the statement running on the database instead of cancelling it. */
  readonly continueAfterTimeout: boolean;
}

const rawText = { getTypeParser: () => (value: string) => value };

/**
 * Runs one statement with the extended protocol (so multistatements are refused, as on AWS) and
 * returns PostgreSQL's raw text values. pins: "By default, the Data API cancels an operation and
 * returns a timeout error if the operation doesn't finish processing within 45 seconds" and, with
 * continueAfterTimeout, "Your application still receives the timeout error. However, the operation
 * continues running and isn't canceled." —
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/data-api-timeouts.html
 */
export async function runStatement(
  session: Session,
  text: string,
  bound: BoundParameters,
  deadline: StatementDeadline,
  cancel: (database: string, backendPid: number) => Promise<void>,
): Promise<pg.QueryArrayResult<Array<string | null>>> {
  // pg reads `types` both as the Parse message's parameter types and as the result's type parsers.
  const types = Object.assign([...bound.types], rawText);
  const query = session.client.query({
    text,
    values: bound.values,
    types: types as unknown as pg.CustomTypesConfig,
    rowMode: 'array',
    queryMode: 'extended',
  } as pg.QueryArrayConfig) as Promise<pg.QueryArrayResult<Array<string | null>>>;
  const outcome = query.then(
    (result) => ({ result }),
    (error: unknown) => ({ error }),
  );
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), Math.max(0, deadline.at - Date.now()));
  });
  const first = await Promise.race([outcome, timedOut]);
  clearTimeout(timer);
  if (first === 'timeout') {
    const backendPid = (session.client as unknown as { processID: number }).processID;
    if (!deadline.continueAfterTimeout) await cancel(session.database, backendPid).catch(() => {});
    throw new StatementTimeoutFailure(
      backendPid,
      outcome.then((settled) => 'result' in settled),
    );
  }
  if ('error' in first) throw first.error;
  return first.result;
}
