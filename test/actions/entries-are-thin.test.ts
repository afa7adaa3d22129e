import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

const dir = new URL('../../scripts/', import.meta.url);
const entries = (await readdir(dir)).filter((name) => name.endsWith('.ts') && name !== 'write-schemas.ts').sort();

describe.each(entries)('workflow entry scripts/%s', (name) => {
  it('is a thin shell: no CLI internals, one run* call inside runWorkflowStep', async () => {
    const text = await readFile(new URL(name, dir), 'utf8');
    expect(text).not.toMatch(/from '\.\.\/src\/cli\//);
    expect(text).toMatch(/^await runWorkflowStep\(async \(\) => \{$/m);
    const stages = [...text.matchAll(/await (run[A-Z]\w*)\(/g)].map((match) => match[1]).filter((call) => call !== 'runWorkflowStep');
    expect(stages).toHaveLength(1);
  });
});
