import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { checkIn } from './database-pools.ts';
import { DataApiServiceError } from './errors.ts';

/**
 * The causes the service appends to "Transaction <id> isn't found" —
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/data-api.troubleshooting.html
 */
export const TRANSACTION_END_CAUSE = {
  expired: 'Transaction may be expired.',
  ended: 'One previous call resulted in a termination of your transaction.',
  aborted: 'Transaction has been aborted due to an error from a previous call.',
} as const;

type EndCause = (typeof TRANSACTION_END_CAUSE)[keyof typeof TRANSACTION_END_CAUSE];

export interface Transaction {
  readonly id: string;
  readonly database: string;
  /** The connection held for the transaction's whole life. */
  readonly client: pg.PoolClient;
  readonly startedAt: number;
  lastUsedAt: number;
  busy: boolean;
}

export interface TransactionTimeouts {
  /** pins: "A transaction times out if no calls use its transaction ID in three minutes." */
  readonly idleTimeoutMs: number;
  /** pins: "A transaction can run for a maximum of 24 hours." (BeginTransaction API reference) */
  readonly maxLifetimeMs: number;
}

const REMEMBERED_ENDINGS = 10_000;

/** Open transactions by id, each on its own connection, expiring like the service's. */
export class TransactionRegistry {
  readonly #active = new Map<string, Transaction>();
  readonly #ended = new Map<string, EndCause>();
  readonly #errorListeners = new Map<string, () => void>();
  readonly #timeouts: TransactionTimeouts;
  readonly #clock: () => number;
  readonly #onEnded: () => void;
  readonly #sweeper: NodeJS.Timeout;

  /** `onEnded` hears of every transaction that ends, however it ends (the auto-pause idle clock). */
  constructor(timeouts: TransactionTimeouts, clock: () => number, onEnded: () => void = () => {}) {
    this.#timeouts = timeouts;
    this.#clock = clock;
    this.#onEnded = onEnded;
    this.#sweeper = setInterval(() => this.sweep(), Math.min(timeouts.idleTimeoutMs, 30_000));
    this.#sweeper.unref();
  }

  async begin(database: string, client: pg.PoolClient): Promise<Transaction> {
    try {
      await client.query('BEGIN');
    } catch (error) {
      checkIn(client, true);
      throw error;
    }
    const now = this.#clock();
    const transaction: Transaction = {
      id: randomBytes(96).toString('base64'),
      database,
      client,
      startedAt: now,
      lastUsedAt: now,
      busy: false,
    };
    // A connection dropped while the transaction sits idle (e.g. the database is dropped) ends it.
    const onError = () => void this.abort(transaction);
    client.on('error', onError);
    this.#errorListeners.set(transaction.id, onError);
    this.#active.set(transaction.id, transaction);
    return transaction;
  }

  /**
   * Marks the transaction busy for one call. pins: "When the Data API receives multiple requests with
   * the same transaction ID, it immediately returns this error: DatabaseErrorException: Transaction is
   * still running a query" — https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/data-api.differences.html
   */
  claim(id: string): Transaction {
    const transaction = this.#active.get(id);
    if (transaction === undefined) throw this.notFound(id);
    if (!transaction.busy && this.isExpired(transaction)) {
      void this.end(transaction, TRANSACTION_END_CAUSE.expired, 'ROLLBACK').catch(() => {});
      throw this.notFound(id);
    }
    if (transaction.busy) {
      throw new DataApiServiceError('DatabaseErrorException', 'Transaction is still running a query');
    }
    transaction.busy = true;
    transaction.lastUsedAt = this.#clock();
    return transaction;
  }

  /** Ends a call on the transaction; it stays open. */
  settle(transaction: Transaction): void {
    transaction.busy = false;
    transaction.lastUsedAt = this.#clock();
  }

  /** Rolls back and forgets a transaction after an error in one of its calls. */
  async abort(transaction: Transaction): Promise<void> {
    await this.end(transaction, TRANSACTION_END_CAUSE.aborted, 'ROLLBACK').catch(() => {});
  }

  /** Removes the transaction, runs COMMIT or ROLLBACK on its connection and returns the connection. */
  async end(transaction: Transaction, cause: EndCause, command: 'COMMIT' | 'ROLLBACK'): Promise<void> {
    if (!this.#active.delete(transaction.id)) return;
    this.remember(transaction.id, cause);
    this.#onEnded();
    const onError = this.#errorListeners.get(transaction.id);
    this.#errorListeners.delete(transaction.id);
    if (onError !== undefined) transaction.client.removeListener('error', onError);
    try {
      await transaction.client.query(command);
      checkIn(transaction.client);
    } catch (error) {
      checkIn(transaction.client, true);
      throw error;
    }
  }

  /** How many transactions are open, each holding a connection. */
  get openCount(): number {
    return this.#active.size;
  }

  notFound(id: string): DataApiServiceError {
    const cause = this.#ended.get(id) ?? TRANSACTION_END_CAUSE.expired;
    return new DataApiServiceError('TransactionNotFoundException', `Transaction ${id} isn't found. ${cause}`);
  }

  sweep(): void {
    for (const transaction of this.#active.values()) {
      if (!transaction.busy && this.isExpired(transaction)) {
        void this.end(transaction, TRANSACTION_END_CAUSE.expired, 'ROLLBACK').catch(() => {});
      }
    }
  }

  /** Rolls back the open transactions on one database, e.g. before its pool closes. */
  async endAllIn(database: string): Promise<void> {
    const open = [...this.#active.values()].filter((transaction) => transaction.database === database);
    await Promise.all(
      open.map((transaction) =>
        this.end(transaction, TRANSACTION_END_CAUSE.expired, 'ROLLBACK').catch(() => {}),
      ),
    );
  }

  async closeAll(): Promise<void> {
    clearInterval(this.#sweeper);
    const open = [...this.#active.values()];
    await Promise.all(
      open.map((transaction) =>
        this.end(transaction, TRANSACTION_END_CAUSE.expired, 'ROLLBACK').catch(() => {}),
      ),
    );
  }

  private isExpired(transaction: Transaction): boolean {
    const now = this.#clock();
    return (
      now - transaction.lastUsedAt > this.#timeouts.idleTimeoutMs ||
      now - transaction.startedAt > this.#timeouts.maxLifetimeMs
    );
  }

  private remember(id: string, cause: EndCause): void {
    this.#ended.set(id, cause);
    if (this.#ended.size > REMEMBERED_ENDINGS) {
      const oldest = this.#ended.keys().next().value as string;
      this.#ended.delete(oldest);
    }
  }
}
