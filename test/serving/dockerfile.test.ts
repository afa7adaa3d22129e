import { execFile, spawn } from 'node:child_process';
import { cp, mkdir, readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { solidPng } from '../evaluate/contract-model.js';
import { tempDir } from '../helpers/git.js';
import { createServingRemote, MODEL, rollout } from './serving-repo.js';

// No Docker engine here: the image is checked by what can be checked without one. Its COPY sources
// are tracked files the .dockerignore keeps; its entry point's options are `cairn serve`'s; and the
// runtime stage's file layout (package.json, bin, dist, thresholds, node_modules) runs the entry
// point's command, following a remote, until its HEALTHCHECK passes and an upload is served.

const ROOT = new URL('../../', import.meta.url).pathname;
const run = promisify(execFile);

interface Instruction {
  name: string;
  args: string;
}

async function dockerfile(): Promise<Instruction[]> {
  const text = (await readFile(join(ROOT, 'Dockerfile'), 'utf8')).replace(/\\\n/g, ' ');
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [name, ...rest] = line.split(/\s+/);
      return { name: name!.toUpperCase(), args: rest.join(' ') };
    });
}

/** The JSON (exec) form of an instruction's arguments. */
const execForm = (instruction: Instruction | undefined): string[] => JSON.parse(instruction?.args ?? '[]') as string[];

describe('the Dockerfile', () => {
  it('copies only tracked files the .dockerignore keeps, from pinned Node 20 base images', async () => {
    const instructions = await dockerfile();
    const ignored = (await readFile(join(ROOT, '.dockerignore'), 'utf8')).split('\n').filter((line) => line && !line.startsWith('#'));
    const tracked = (await run('git', ['ls-files'], { cwd: ROOT })).stdout.split('\n');
    const sources = instructions.filter((i) => i.name === 'COPY' && !i.args.startsWith('--from')).flatMap((i) => i.args.split(' ').slice(0, -1));
    expect(sources).toContain('package-lock.json');
    for (const source of sources) {
      expect(tracked.some((file) => file === source || file.startsWith(`${source}/`)), `${source} is tracked`).toBe(true);
      expect(ignored.some((pattern) => source === pattern || source.startsWith(`${pattern}/`)), `${source} is not ignored`).toBe(false);
    }
    expect(instructions.filter((i) => i.name === 'FROM').map((i) => i.args.split(' ')[0])).toEqual(['node:20-bookworm-slim', 'node:20-bookworm-slim']);
  });

  it("starts cairn serve with options cairn serve knows, and keeps the image's user off root", async () => {
    const instructions = await dockerfile();
    const entrypoint = execForm(instructions.find((i) => i.name === 'ENTRYPOINT'));
    expect(entrypoint.slice(0, 5)).toEqual(['tini', '--', 'node', '/app/bin/cairn.js', 'serve']);
    const help = (await run(process.execPath, [join(ROOT, 'bin/cairn.js'), 'serve', '--help'])).stdout;
    for (const option of entrypoint.filter((arg) => arg.startsWith('--') && arg !== '--')) expect(help, option).toContain(`${option} `);
    expect(instructions.find((i) => i.name === 'USER')?.args).toBe('node');
    expect(instructions.find((i) => i.name === 'EXPOSE')?.args).toBe(entrypoint[entrypoint.indexOf('--port') + 1]);
  });

  describe('its runtime layout', () => {
    let dir: string;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ path: dir, cleanup } = await tempDir('cairn-image-'));
    });
    afterEach(() => cleanup());

    it("runs the entry point's command on a remote until the HEALTHCHECK passes and an upload is served", async () => {
      const app = join(dir, 'app');
      await mkdir(app);
      const instructions = await dockerfile();
      // What the runtime stage (after the second FROM) copies into /app, from the build stage or the context.
      const runtime = instructions.slice(instructions.findLastIndex((i) => i.name === 'FROM'));
      for (const copy of runtime.filter((i) => i.name === 'COPY')) {
        const [source, target] = copy.args.replace(/^--from=\S+ /, '').split(' ') as [string, string];
        const from = source.replace(/^\/app\//, '');
        const to = join(app, target === './' ? from : target);
        if (from === 'node_modules') await symlink(join(ROOT, 'node_modules'), to);
        else await cp(join(ROOT, from), to, { recursive: true });
      }
      const { remote } = await createServingRemote(dir, rollout({ production: '1.0.0' }));
      const data = join(dir, 'var-lib-cairn');
      await mkdir(data);

      const [, , ...command] = execForm(instructions.find((i) => i.name === 'ENTRYPOINT'));
      const args = command.slice(1).map((arg) => (arg === '/app/bin/cairn.js' ? join(app, 'bin/cairn.js') : arg === '/var/lib/cairn' ? data : arg));
      const port = args.indexOf('--port') + 1;
      args[port] = '0';
      args[args.indexOf('--host') + 1] = '127.0.0.1';
      const child = spawn(process.execPath, [...args, '--model', MODEL, '--remote', remote], { cwd: data, stdio: ['ignore', 'pipe', 'pipe'] });
      try {
        const url = await new Promise<string>((resolve, reject) => {
          let out = '';
          let err = '';
          child.stdout.on('data', (chunk: Buffer) => {
            out += chunk.toString();
            const match = /listening on (http:\/\/\S+)/.exec(out);
            if (match) resolve(match[1]!);
          });
          child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
          child.once('exit', (code) => reject(new Error(`exited with ${code}: ${err}`)));
        });
        const healthcheck = instructions.find((i) => i.name === 'HEALTHCHECK')!.args;
        const probe = (JSON.parse(healthcheck.slice(healthcheck.indexOf('CMD ') + 4)) as string[]).at(-1)!.replace('http://127.0.0.1:8080', url);
        await expect(run(process.execPath, ['-e', probe])).resolves.toBeDefined();
        const answer = await fetch(`${url}/v1/uploads`, { method: 'POST', headers: { 'content-type': 'image/png', 'x-unit-id': 'user-1' }, body: Buffer.from(await solidPng([220, 30, 30])) });
        expect(answer.status).toBe(200);
        expect(await answer.json()).toMatchObject({ version: '1.0.0', role: 'production' });
      } finally {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
    });
  });
});
