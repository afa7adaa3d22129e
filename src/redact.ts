/**
 * Credentials never reach a message, a log line or an artifact: `redact` masks them in any text
 * with `***`. It is applied where URLs are formatted into messages, and again by the CLI's error
 * printer as a last line of defence.
 */
const MASK = '***';

/** `scheme://user:password@host`: everything between `//` and the last `@` of the authority. */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]*(?:@[^\s/?#@"'<>]*)*@/gi;
/** Query parameters that carry credentials: tokens, keys, secrets, passwords and signatures (presigned URLs). */
const SECRET_PARAMETER = /([?&;](?:[^=&#\s"'<>]*(?:token|key|secret|passw|signature|credential|auth)[^=&#\s"'<>]*|sig)=)[^&#\s"'<>]+/gi;
/** `Authorization: <scheme> <value>` as a header line, and a scheme followed by a credential anywhere. */
const AUTHORIZATION_HEADER = /\b(authorization["']?\s*[:=]\s*["']?)(?:(Token|Bearer|Basic)\s+)?[^\s"',;}]+/gi;
const AUTHORIZATION_VALUE = /\b(Token|Bearer|Basic) [A-Za-z0-9._~+/=-]{12,}/g;
/** Shorter values are too likely to occur in ordinary text to be masked wherever they appear. */
const MIN_SECRET_LENGTH = 6;

/** `text` with URL userinfo, secret query parameters, Authorization values and each of `secrets` masked. */
export function redact(text: string, secrets: ReadonlyArray<string | undefined> = []): string {
  let out = text
    .replace(USERINFO, `$1${MASK}@`)
    .replace(SECRET_PARAMETER, `$1${MASK}`)
    .replace(AUTHORIZATION_HEADER, (_match, prefix: string, scheme: string | undefined) => `${prefix}${scheme ? `${scheme} ` : ''}${MASK}`)
    .replace(AUTHORIZATION_VALUE, `$1 ${MASK}`);
  for (const secret of secrets) {
    if (!secret || secret.length < MIN_SECRET_LENGTH) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join(MASK);
  }
  return out;
}

/**
 * The secrets a cairn process is given through its environment: the Label Studio and GitHub
 * tokens, the webhook secret of `cairn serve`, and the user and password of a `LABEL_STUDIO_URL`
 * that carries them.
 */
export function secretsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  const secrets = [env.LABEL_STUDIO_API_KEY, env.GITHUB_TOKEN, env.CAIRN_GITHUB_TOKEN, env.CAIRN_WEBHOOK_SECRET];
  const userinfo = env.LABEL_STUDIO_URL ? urlUserinfo(env.LABEL_STUDIO_URL) : null;
  if (userinfo) secrets.push(...userinfo.split(':').flatMap((part) => [part, safeDecode(part)]));
  return [...new Set(secrets.filter((secret): secret is string => Boolean(secret)))];
}

/** The `user:password` of an absolute URL (`scheme://user:password@host/…`), or null when it has none. */
export function urlUserinfo(url: string): string | null {
  return /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)@/i.exec(url)?.[1] ?? null;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
