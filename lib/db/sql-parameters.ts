import type { TypedSqlParameter } from '../ports/sql-client.ts';

/** A JSON parameter (typeHint JSON, bound as json; cast with `::jsonb` where a jsonb is needed). */
export const json = (value: unknown): TypedSqlParameter => ({ type: 'json', value });

/** A uuid parameter (typeHint UUID); a plain string would bind as varchar and not fit a uuid column. */
export const uuid = (value: string): TypedSqlParameter => ({ type: 'uuid', value });

/** A timestamp parameter (typeHint TIMESTAMP), read as UTC by timestamp and timestamptz columns. */
export const timestamp = (value: Date | string): TypedSqlParameter => ({ type: 'timestamp', value });

/** A date parameter, `YYYY-MM-DD` (typeHint DATE). */
export const date = (value: string): TypedSqlParameter => ({ type: 'date', value });

/** A time parameter, `HH:MM:SS[.FFF]` (typeHint TIME). */
export const time = (value: string): TypedSqlParameter => ({ type: 'time', value });

/** An exact numeric parameter given as its decimal text (typeHint DECIMAL, bound as numeric). */
export const decimal = (value: string): TypedSqlParameter => ({ type: 'decimal', value });
