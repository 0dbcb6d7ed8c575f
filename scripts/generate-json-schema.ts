// Writes schemas/*.schema.json from the zod schemas in lib/journal (npm run schema:generate).
// A unit test fails when the checked-in files differ from what this would write.
import { writeFile } from 'node:fs/promises';
import { journalJsonSchemas, jsonSchemaFileText } from '../lib/journal/json-schemas.ts';

const directory = new URL('../schemas/', import.meta.url);
for (const [name, schema] of Object.entries(journalJsonSchemas())) {
  await writeFile(new URL(name, directory), jsonSchemaFileText(schema));
  console.log(`wrote schemas/${name}`);
}
