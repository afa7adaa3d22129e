import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** cairn's own package directory, found from this file whether it runs as TypeScript or from dist/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cairn: cannot find its package.json');
    dir = parent;
  }
  return dir;
}

let version: string | undefined;

/** cairn's version from its package.json, recorded in manifests as the built-in trainer's version. */
export function readPackageVersion(): string {
  version ??= (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  return version;
}
