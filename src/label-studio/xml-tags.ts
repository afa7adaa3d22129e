import { InputError } from '../errors.js';

/** One start, end or self-closing tag of an XML document, with its attributes decoded. */
export interface XmlTag {
  kind: 'open' | 'close' | 'self-closing';
  name: string;
  attributes: Record<string, string>;
  offset: number;
}

const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;
const ATTRIBUTE = /\s*([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/y;
const ENTITY = /&(?:#x([0-9A-Fa-f]+)|#(\d+)|(amp|lt|gt|quot|apos));/g;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * The tags of a small XML document such as a Label Studio labelling config, in document order.
 * Comments, processing instructions, doctype and CDATA are stepped over; text is ignored.
 * Checks that tags nest properly.
 *
 * @throws InputError (rule `label-config-syntax`) naming `file` and the byte offset.
 */
export function scanXmlTags(xml: string, file: string): XmlTag[] {
  const tags: XmlTag[] = [];
  const open: string[] = [];
  const fail = (offset: number, detail: string): never => {
    throw new InputError(`${file}: label config at offset ${offset}: ${detail} (rule label-config-syntax)`, { file, item: 'label_config', rule: 'label-config-syntax', offset });
  };
  let i = xml.indexOf('<');
  while (i >= 0) {
    if (xml.startsWith('<!--', i)) i = skipPast(xml, i, '-->', fail, 'an unclosed comment');
    else if (xml.startsWith('<![CDATA[', i)) i = skipPast(xml, i, ']]>', fail, 'an unclosed CDATA section');
    else if (xml.startsWith('<?', i)) i = skipPast(xml, i, '?>', fail, 'an unclosed processing instruction');
    else if (xml.startsWith('<!', i)) i = skipPast(xml, i, '>', fail, 'an unclosed declaration');
    else {
      const { tag, end } = readTag(xml, i, fail);
      if (tag.kind === 'open') open.push(tag.name);
      if (tag.kind === 'close') {
        const expected = open.pop();
        if (expected !== tag.name) fail(i, expected ? `</${tag.name}> closes <${expected}>` : `</${tag.name}> closes nothing`);
      }
      tags.push(tag);
      i = end;
    }
    i = xml.indexOf('<', i);
  }
  if (open.length > 0) fail(xml.length, `<${open[open.length - 1]}> is never closed`);
  return tags;
}

function skipPast(xml: string, from: number, end: string, fail: (offset: number, detail: string) => never, what: string): number {
  const at = xml.indexOf(end, from);
  return at < 0 ? fail(from, what) : at + end.length;
}

/** The tag starting at `start`, and the offset just past its `>`. */
function readTag(xml: string, start: number, fail: (offset: number, detail: string) => never): { tag: XmlTag; end: number } {
  const closing = xml[start + 1] === '/';
  let i = start + (closing ? 2 : 1);
  NAME.lastIndex = i;
  const name = NAME.exec(xml)?.[0];
  if (!name) return fail(start, 'a "<" that starts no tag');
  i += name.length;
  const attributes: Record<string, string> = {};
  for (;;) {
    ATTRIBUTE.lastIndex = i;
    const match = closing ? null : ATTRIBUTE.exec(xml);
    if (!match) break;
    const [, key = '', double, single] = match;
    if (Object.hasOwn(attributes, key)) fail(i, `attribute ${key} given twice on <${name}>`);
    Object.defineProperty(attributes, key, { value: decodeEntities(double ?? single ?? ''), enumerable: true, writable: true, configurable: true });
    i = ATTRIBUTE.lastIndex;
  }
  while (/\s/.test(xml[i] ?? '')) i++;
  if (xml[i] === '>') return { tag: { kind: closing ? 'close' : 'open', name, attributes, offset: start }, end: i + 1 };
  if (!closing && xml.startsWith('/>', i)) return { tag: { kind: 'self-closing', name, attributes, offset: start }, end: i + 2 };
  return fail(i, `unexpected ${i < xml.length ? JSON.stringify(xml[i]) : 'end of text'} in <${name}>`);
}

function decodeEntities(text: string): string {
  return text.replace(ENTITY, (_whole, hex?: string, decimal?: string, named?: string) => {
    if (named) return NAMED[named] ?? '';
    const code = hex ? parseInt(hex, 16) : Number(decimal);
    return code <= 0x10ffff ? String.fromCodePoint(code) : '\uFFFD';
  });
}
