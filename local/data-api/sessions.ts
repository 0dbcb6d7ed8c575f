import type pg from 'pg';
import { checkIn, checkOut, type DatabasePools } from './database-pools.ts';
import { toServiceError } from './pg-errors.ts';
import type { Transaction, TransactionRegistry } from './transactions.ts';

/** The connection one call runs on: a pooled one, or the one its transaction holds. */
export interface Session {
  readonly client: pg.PoolClient;
  readonly database: string;
  readonly inTransaction: boolean;
  /** The call succeeded. */
  complete(): void;
  /**
   * The call failed. `stillRunning` settles (true = the statement succeeded) when a statement that
   * outlived the call ends; with `keepTransaction` a transaction survives it (continueAfterTimeout).
   */
  fail(stillRunning?: Promise<boolean>, keepTransaction?: boolean): void;
}

export async function openSession(
  pools: DatabasePools,
  transactions: TransactionRegistry,
  database: string,
  transactionId: string | undefined,
): Promise<Session> {
  if (transactionId !== undefined) return transactionSession(transactions, transactions.claim(transactionId));
  let client: pg.PoolClient;
  try {
    client = await checkOut(pools.get(database).pool);
  } catch (error) {
    throw toServiceError(error);
  }
  return {
    client,
    database,
    inTransaction: false,
    complete: () => checkIn(client),
    fail: (stillRunning) => {
      // A failed batch leaves its own BEGIN open; ROLLBACK outside a transaction is only a warning.
      void (stillRunning ?? Promise.resolve(true))
        .then(() => client.query('ROLLBACK'))
        .then(
          () => checkIn(client),
          () => checkIn(client, true),
        );
    },
  };
}

function transactionSession(transactions: TransactionRegistry, transaction: Transaction): Session {
  return {
    client: transaction.client,
    database: transaction.database,
    inTransaction: true,
    complete: () => transactions.settle(transaction),
    fail: (stillRunning, keepTransaction = false) => {
      if (stillRunning === undefined) {
        void transactions.abort(transaction);
        return;
      }
      void stillRunning.then((succeeded) =>
        succeeded && keepTransaction ? transactions.settle(transaction) : transactions.abort(transaction),
      );
    },
  };
}
