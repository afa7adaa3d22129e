import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { InputError, NotFoundError } from '../errors.js';
import type { LabelStudioClient, PresignScope } from './client.js';

/** Where an image's bytes come from, decided from its URL alone. */
export type ImageSource =
  /** A file on this machine. */
  | { kind: 'file'; path: string }
  /** A file Label Studio serves (`/data/upload/…`, `/data/local-files/?d=…`), fetched with its credentials. */
  | { kind: 'label-studio'; url: string }
  /** A cloud-storage URI, fetched through Label Studio's presign resolver. */
  | { kind: 'storage'; fileuri: string; scope: PresignScope }
  /** Any other web URL, fetched as is, without credentials. */
  | { kind: 'http'; url: string };

export interface ResolveImageOptions {
  /** The Label Studio server root; defaults to the client's. */
  baseUrl?: string;
  /** A directory holding the images, used instead of the server for its paths and for bare names. */
  localRoot?: string;
  client?: LabelStudioClient;
  /** The task the URL belongs to; cloud URIs are presigned for it (or else for `projectId`). */
  taskId?: number;
  projectId?: number;
}

const STORAGE_SCHEMES = /^(s3|gs|azure-blob|azure-spi):\/\//i;
const UPLOAD = /^\/data\/upload\/[^/]+\/(.+)$/;
const LOCAL_FILES = '/data/local-files/';

/**
 * How to get the bytes of an image URL as a task gives it. Cloud URIs (`s3://`, `gs://`,
 * `azure-blob://`) go through Label Studio's presign resolver; server paths (`/data/upload/…`,
 * `/data/local-files/?d=…`, other `/…`) come from the server with credentials, or from
 * `localRoot` when it is given (`/data/upload/<project>/<name>` → `<localRoot>/<name>`,
 * `?d=<path>` → `<localRoot>/<path>`); bare names (`photo.jpg`) need `localRoot`; other http(s)
 * URLs are fetched directly. Pure: nothing is fetched.
 *
 * @throws InputError (`file` is the URL) with rule `presign-needs-task`, `needs-label-studio`,
 *   `unresolvable-url`, `unsupported-url` or `path-escape`.
 */
export function resolveImageSource(url: string, options: ResolveImageOptions): ImageSource {
  const fail = (rule: string, detail: string): never => {
    const item = options.taskId === undefined ? url : String(options.taskId);
    throw new InputError(`image ${JSON.stringify(url)} (task ${item}): ${detail} (rule ${rule})`, { file: url, item, rule });
  };
  if (STORAGE_SCHEMES.test(url)) {
    const scope: PresignScope | null = options.taskId !== undefined ? { taskId: options.taskId } : options.projectId !== undefined ? { projectId: options.projectId } : null;
    return scope ? { kind: 'storage', fileuri: url, scope } : fail('presign-needs-task', 'a cloud URI is presigned for a task or project, and none was given');
  }
  const baseUrl = (options.baseUrl ?? options.client?.baseUrl)?.replace(/\/+$/, '');
  if (/^https?:\/\//i.test(url)) {
    const parsed = URL.canParse(url) ? new URL(url) : fail('unsupported-url', 'this is not a valid web URL');
    const server = baseUrl === undefined ? null : new URL(baseUrl);
    const onServer = server !== null && parsed.origin === server.origin && parsed.pathname.startsWith(`${server.pathname.replace(/\/+$/, '')}/data/`);
    return onServer ? { kind: 'label-studio', url } : { kind: 'http', url };
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(url)) return fail('unsupported-url', 'this URL scheme cannot be fetched');
  if (options.localRoot !== undefined) return { kind: 'file', path: localPath(url, options.localRoot, fail) };
  if (!url.startsWith('/')) return fail('unresolvable-url', 'a bare file name needs a local image directory (localRoot)');
  return baseUrl === undefined ? fail('needs-label-studio', 'a server path needs the Label Studio URL') : { kind: 'label-studio', url: `${baseUrl}${url}` };
}

/** The file under `root` that a server path or bare name stands for; never outside `root`. */
function localPath(url: string, root: string, fail: (rule: string, detail: string) => never): string {
  let name: string;
  if (url.startsWith(LOCAL_FILES)) {
    const d = new URL(url, 'http://label-studio.invalid').searchParams.get('d');
    name = d ?? fail('unresolvable-url', 'a local-files URL without its ?d= path');
  } else {
    const path = url.split('?')[0] ?? url;
    name = decodePath(UPLOAD.exec(path)?.[1] ?? path, fail);
  }
  const base = resolve(root);
  const path = resolve(base, name.replace(/^\/+/, ''));
  const inside = relative(base, path);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return fail('path-escape', `the path leads outside ${root}`);
  return path;
}

function decodePath(path: string, fail: (rule: string, detail: string) => never): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return fail('unresolvable-url', 'the path has a broken %-escape');
  }
}

export interface FetchImageOptions {
  /** Needed for `label-studio` and `storage` sources. */
  client?: LabelStudioClient;
  fetch?: typeof globalThis.fetch;
}

/**
 * The bytes of an image from where `resolveImageSource` found it.
 *
 * @throws NotFoundError for a missing local file; LabelStudioError when Label Studio or the
 *   storage refuses; InputError (rule `image-fetch`) when a plain web URL fails.
 */
export async function fetchImageBytes(source: ImageSource, options: FetchImageOptions = {}): Promise<Buffer> {
  switch (source.kind) {
    case 'file':
      return readFile(source.path).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') throw new NotFoundError(`image file ${source.path} does not exist`, { file: source.path }, { cause: error });
        throw new InputError(`image file ${source.path} cannot be read: ${error.message} (rule image-fetch)`, { file: source.path, rule: 'image-fetch' }, { cause: error });
      });
    case 'label-studio':
      return bytesOf(await needClient(options, source.url).openServerFile(source.url));
    case 'storage':
      return bytesOf(await needClient(options, source.fileuri).openStorageFile(source.scope, source.fileuri));
    case 'http':
      return fetchWebImage(source.url, options.fetch ?? globalThis.fetch);
  }
}

function needClient(options: FetchImageOptions, url: string): LabelStudioClient {
  if (options.client) return options.client;
  throw new InputError(`image ${JSON.stringify(url)}: only Label Studio can serve it, and no client was given (rule needs-label-studio)`, { file: url, rule: 'needs-label-studio' });
}

async function bytesOf(response: Response): Promise<Buffer> {
  return Buffer.from(await response.arrayBuffer());
}

async function fetchWebImage(url: string, fetcher: typeof globalThis.fetch): Promise<Buffer> {
  let response: Response;
  try {
    response = await fetcher(url);
  } catch (error) {
    throw new InputError(`image ${url} cannot be fetched: ${String((error as { cause?: unknown }).cause ?? error)} (rule image-fetch)`, { file: url, rule: 'image-fetch' }, { cause: error });
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new InputError(`image ${url} answered HTTP ${response.status} (rule image-fetch)`, { file: url, rule: 'image-fetch', status: response.status });
  }
  return bytesOf(response);
}
