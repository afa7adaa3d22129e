import type { TSchema } from '@sinclair/typebox';
import { formatJsonFile } from './canonical-json.js';
import { KINDS, type KindName } from './kinds.js';

/** File name of a kind's published JSON Schema, e.g. `dataset-artifact.v1.schema.json`. */
export function schemaFileName(kind: KindName, version: number): string {
  const kebab = kind.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
  return `${kebab}.v${version}.schema.json`;
}

/** Every kind's JSON Schema (draft 2020-12 compatible) as the bytes published under `schemas/`. */
export function buildPublishedSchemas(): Map<string, string> {
  const files = new Map<string, string>();
  for (const kind of Object.keys(KINDS) as KindName[]) {
    for (const [version, schema] of Object.entries(KINDS[kind].versions) as Array<[string, TSchema]>) {
      const document = {
        $schema: 'http://json-schema.org/draft-07/schema#',
        $id: `urn:cairn:schema:${kind}:v${version}`,
        title: `${kind} v${version}`,
        ...JSON.parse(JSON.stringify(schema)),
      };
      files.set(schemaFileName(kind, Number(version)), formatJsonFile(document));
    }
  }
  return files;
}
