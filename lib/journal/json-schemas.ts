import * as z from 'zod';
import { journalEventSchema } from './event-schema.ts';
import { journalEnvelopeSchema } from './parse-message.ts';

/**
 * The checked-in JSON Schemas (schemas/<file name>), generated from the zod schemas for producers in
 * other languages. They describe what a producer sends (zod's input side); rules JSON Schema cannot
 * express (byte lengths, calendar validity, which scope form allows which field) are only in zod, so
 * the JSON Schema accepts a superset of what the service accepts.
 */
export function journalJsonSchemas(): Record<string, object> {
  const event = journalEventSchema();
  const message = z.union([event, journalEnvelopeSchema(event)]).meta({
    id: 'JournalMessage',
    title: 'hive-journal queue message body',
    description: 'One JournalEvent, or an envelope {"v": 1, "events": [...]} of up to 1000 of them.',
  });
  return {
    'journal-event.schema.json': {
      $id: 'https://hive-journal/schemas/journal-event.schema.json',
      ...generate(event),
    },
    'journal-message.schema.json': {
      $id: 'https://hive-journal/schemas/journal-message.schema.json',
      ...generate(message),
    },
  };
}

function generate(schema: z.ZodType): object {
  return z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' });
}

/** File contents as written: two-space JSON and a final newline. */
export function jsonSchemaFileText(schema: object): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
