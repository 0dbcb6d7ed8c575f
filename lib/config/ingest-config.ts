import * as z from 'zod';
import { payloadLimits } from '../journal/payload-bounds.ts';
import { DataApiEnv } from './data-api-config.ts';

const bytes = z.coerce.number().int().positive();

/** The ingest function's environment; payload limits default to the documented 16/32/8 KiB. */
export const IngestEnv = DataApiEnv.extend({
  JOURNAL_PAYLOAD_LIMIT_DATA_BYTES: bytes.optional(),
  JOURNAL_PAYLOAD_LIMIT_RAW_BYTES: bytes.optional(),
  JOURNAL_PAYLOAD_LIMIT_EXTRA_BYTES: bytes.optional(),
}).transform((env) => ({
  ...env,
  payloadLimits: payloadLimits({
    ...(env.JOURNAL_PAYLOAD_LIMIT_DATA_BYTES ? { data: env.JOURNAL_PAYLOAD_LIMIT_DATA_BYTES } : {}),
    ...(env.JOURNAL_PAYLOAD_LIMIT_RAW_BYTES ? { raw: env.JOURNAL_PAYLOAD_LIMIT_RAW_BYTES } : {}),
    ...(env.JOURNAL_PAYLOAD_LIMIT_EXTRA_BYTES ? { extra: env.JOURNAL_PAYLOAD_LIMIT_EXTRA_BYTES } : {}),
  }),
}));
