#!/usr/bin/env node
// The cairn CLI. Runs the compiled JavaScript in dist/ (built by `npm ci` through the prepare
// script, or by `npm run build`); falls back to the TypeScript sources through tsx without dist/.
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/cli/entry.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/entry.ts');
}
