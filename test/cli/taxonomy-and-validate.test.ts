import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { tempDir } from '../helpers/git.js';
import { initModelRepo } from '../helpers/model-repo.js';

const fixture = (name: string) => new URL(`../fixtures/label-studio/${name}`, import.meta.url).pathname;
let root: string;
let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ path: root, cleanup } = await tempDir());
  dir = join(root, 'repo');
  await initModelRepo(dir, { dataset: 'cells', taxonomy: { version: 'taxonomy_v1', classes: ['parasites', 'white'], regionClasses: ['parasites', 'white'] } });
});
afterAll(() => cleanup());

async function cli(...args: string[]) {
  const out: string[] = [];
  const code = await runCli(['-C', dir, ...args], { out: (t) => out.push(t), err: (t) => out.push(t) });
  return { code, text: out.join('') };
}

describe('cairn taxonomy check', () => {
  it('exits 1 and names each difference between the taxonomy and a label config', async () => {
    const { code, text } = await cli('taxonomy', 'check', '--taxonomy', 'taxonomy_v1', '--label-config', fixture('sdk-yolo-obb-export-rotated.label_config.xml'));
    expect(code).toBe(1);
    expect(text).toContain('taxonomy_v1 differs from');
    expect(text).toMatch(/butterfly/);
    expect(text).toMatch(/parasites/);
  });

  it('exits 0 when region classes match and reports the image classes the config lacks', async () => {
    const { code, text } = await cli('taxonomy', 'check', '--taxonomy', 'taxonomy_v1', '--label-config', fixture('sdk-yolo-export-rectanglelabels.label_config.xml'), '--json');
    const differences = JSON.parse(text) as Array<{ scope: string; name: string }>;
    expect(differences.every((d) => d.scope === 'classes')).toBe(true);
    expect(code).toBe(differences.length === 0 ? 0 : 1);
  });
});

describe('cairn ingest and validate from the CLI', () => {
  it('ingests a file, then validates it with exit 1 and the failed checks listed', async () => {
    const ingested = await cli('ingest', '--dataset', 'cells', '--export', fixture('sdk-yolo-export-rectanglelabels.json'), '--skip-images');
    expect(ingested).toMatchObject({ code: 0 });
    expect(ingested.text).toContain('cells v0001: 2 new, 0 corrected, from 2 tasks');
    const validated = await cli('validate', '--dataset', 'cells');
    expect(validated.code).toBe(1);
    expect(validated.text).toContain('cells v0001: validation FAILED');
    expect(validated.text).toMatch(/fail\s+freshness/);
    const again = await cli('ingest', '--dataset', 'cells', '--export', fixture('sdk-yolo-export-rectanglelabels.json'), '--skip-images');
    expect(again.text).toBe('cells: nothing new in 2 tasks; nothing written\n');
  });

  it('refuses --export together with --from-api as a usage error', async () => {
    expect((await cli('ingest', '--dataset', 'cells', '--export', 'x.json', '--from-api')).code).toBe(2);
  });
});
