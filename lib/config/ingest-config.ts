import * as z from 'zod/mini';
import { payloadLimits } from '../journal/payload-bounds.ts';
import { DataApiEnv } from './data-api-config.ts';

const bytes = z.optional(z.coerce.number().check(z.int(), z.positive()));

/** The ingest function's environment; payload limits default to the documented 16/32/8 KiB. */
export const IngestEnv = z.pipe(
  z.extend(DataApiEnv, {
    JOURNAL_PAYLOAD_LIMIT_DATA_BYTES: bytes,
    JOURNAL_PAYLOAD_LIMIT_RAW_BYTES: bytes,
    JOURNAL_PAYLOAD_LIMIT_EXTRA_BYTES: bytes,
  }),
  z.transform((env) => ({
    ...env,
    payloadLimits: payloadLimits({
      ...(env.JOURNAL_PAYLOAD_LIMIT_DATA_BYTES ? { data: env.JOURNAL_PAYLOAD_LIMIT_DATA_BYTES } : {}),
      ...(env.JOURNAL_PAYLOAD_LIMIT_RAW_BYTES ? { raw: env.JOURNAL_PAYLOAD_LIMIT_RAW_BYTES } : {}),
      ...(env.JOURNAL_PAYLOAD_LIMIT_EXTRA_BYTES ? { extra: env.JOURNAL_PAYLOAD_LIMIT_EXTRA_BYTES } : {}),
    }),
  })),
);
