import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(join(root, dir), { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile() && entry.name.endsWith('.ts')).map((entry) => relative(root, join(entry.parentPath, entry.name)));
}

describe('git command lines live in the store', () => {
  it('no file outside src/store builds a git command line or drives simple-git', async () => {
    const outside = [...(await sources('src')), ...(await sources('scripts'))].filter((file) => !file.startsWith('src/store/'));
    expect(outside.length).toBeGreaterThan(50);
    const offenders: string[] = [];
    for (const file of outside) {
      const text = await readFile(join(root, file), 'utf8');
      if (/\.(run|tryRun|raw)\(\s*\[/.test(text) || /from 'simple-git'/.test(text)) offenders.push(file);
    }
    expect(offenders).toEqual([]);
  });

  it('would notice one', () => {
    expect(/\.(run|tryRun|raw)\(\s*\[/.test("await cli.run(['push', remote])")).toBe(true);
  });
});
