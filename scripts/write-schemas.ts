// `npm run schemas`: writes every artifact kind's JSON Schema to schemas/ (a test checks they are current).
import { writeFile } from 'node:fs/promises';
import { buildPublishedSchemas } from '../src/artifacts/published-schemas.js';

const dir = new URL('../schemas/', import.meta.url);
for (const [name, content] of buildPublishedSchemas()) {
  await writeFile(new URL(name, dir), content);
  process.stdout.write(`schemas/${name}\n`);
}
