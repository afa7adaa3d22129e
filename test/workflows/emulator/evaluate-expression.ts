/**
 * GitHub Actions expressions (`${{ … }}`), the part of the language cairn's workflows use:
 * literals, context paths (`github.event.pull_request.base.sha`, `inputs['x']`), `!`, `==`, `!=`,
 * `&&`, `||`, parentheses and the functions startsWith, endsWith, contains and format. Anything
 * else throws, so a workflow cannot use a construct the emulator would silently get wrong.
 * Semantics follow GitHub's: `&&`/`||` return an operand, comparisons of strings ignore case,
 * a missing property is null.
 */
export type ExpressionValue = string | number | boolean | null | ExpressionObject;
export interface ExpressionObject {
  [key: string]: ExpressionValue | undefined;
}

type Token = { kind: 'string' | 'number' | 'name' | 'op'; text: string };

const TOKEN = /\s*(?:('(?:[^']|'')*')|(\d+(?:\.\d+)?)|([A-Za-z_][\w-]*)|(==|!=|&&|\|\||[!().,[\]]))/y;

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < source.length) {
    if (/^\s*$/.test(source.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(source);
    if (!match) throw new Error(`expression "${source}": unsupported syntax at ${at}`);
    const [, string, number, name, op] = match;
    if (string !== undefined) tokens.push({ kind: 'string', text: string.slice(1, -1).replaceAll("''", "'") });
    else if (number !== undefined) tokens.push({ kind: 'number', text: number });
    else if (name !== undefined) tokens.push({ kind: 'name', text: name });
    else tokens.push({ kind: 'op', text: op! });
  }
  return tokens;
}

const FUNCTIONS: Record<string, (...args: ExpressionValue[]) => ExpressionValue> = {
  startswith: (text, prefix) => asString(text).toLowerCase().startsWith(asString(prefix).toLowerCase()),
  endswith: (text, suffix) => asString(text).toLowerCase().endsWith(asString(suffix).toLowerCase()),
  contains: (haystack, needle) => asString(haystack).toLowerCase().includes(asString(needle).toLowerCase()),
  format: (template, ...args) => asString(template).replace(/\{(\d+)\}/g, (_, index: string) => asString(args[Number(index)] ?? null)),
};

/** Evaluates one expression (without the `${{ }}`) against a context object. */
export function evaluateExpression(source: string, context: ExpressionObject): ExpressionValue {
  const tokens = tokenize(source);
  let position = 0;
  const peek = () => tokens[position];
  const take = (text?: string): Token => {
    const token = tokens[position++];
    if (!token || (text !== undefined && token.text !== text)) throw new Error(`expression "${source}": expected ${text ?? 'a value'}`);
    return token;
  };

  const or = (): ExpressionValue => {
    let left = and();
    while (peek()?.text === '||') {
      take();
      const right = and();
      left = truthy(left) ? left : right;
    }
    return left;
  };
  const and = (): ExpressionValue => {
    let left = equality();
    while (peek()?.text === '&&') {
      take();
      const right = equality();
      left = truthy(left) ? right : left;
    }
    return left;
  };
  const equality = (): ExpressionValue => {
    let left = unary();
    while (peek()?.text === '==' || peek()?.text === '!=') {
      const op = take().text;
      const right = unary();
      left = op === '==' ? looselyEqual(left, right) : !looselyEqual(left, right);
    }
    return left;
  };
  const unary = (): ExpressionValue => {
    if (peek()?.text === '!') {
      take();
      return !truthy(unary());
    }
    return postfix(primary());
  };
  const primary = (): ExpressionValue => {
    const token = take();
    if (token.kind === 'string') return token.text;
    if (token.kind === 'number') return Number(token.text);
    if (token.text === '(') {
      const value = or();
      take(')');
      return value;
    }
    if (token.kind !== 'name') throw new Error(`expression "${source}": unexpected "${token.text}"`);
    if (token.text === 'true' || token.text === 'false') return token.text === 'true';
    if (token.text === 'null') return null;
    if (peek()?.text === '(') {
      const fn = FUNCTIONS[token.text.toLowerCase()];
      if (!fn) throw new Error(`expression "${source}": unsupported function ${token.text}()`);
      take('(');
      const args: ExpressionValue[] = [];
      while (peek()?.text !== ')') {
        args.push(or());
        if (peek()?.text === ',') take(',');
      }
      take(')');
      return fn(...args);
    }
    return context[token.text] ?? null;
  };
  const postfix = (value: ExpressionValue): ExpressionValue => {
    for (;;) {
      if (peek()?.text === '.') {
        take();
        value = member(value, take().text);
      } else if (peek()?.text === '[') {
        take();
        value = member(value, asString(or()));
        take(']');
      } else return value;
    }
  };

  const value = or();
  if (position !== tokens.length) throw new Error(`expression "${source}": unexpected "${tokens[position]!.text}"`);
  return value;
}

/** Replaces every `${{ expression }}` in a string with its value (null as the empty string). */
export function interpolate(text: string, context: ExpressionObject): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, source: string) => asString(evaluateExpression(source, context)));
}

export function truthy(value: ExpressionValue): boolean {
  return value !== null && value !== false && value !== 0 && value !== '';
}

function member(value: ExpressionValue, key: string): ExpressionValue {
  return value !== null && typeof value === 'object' ? (value[key] ?? null) : null;
}

function looselyEqual(a: ExpressionValue, b: ExpressionValue): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  return a === b;
}

function asString(value: ExpressionValue): string {
  if (value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
