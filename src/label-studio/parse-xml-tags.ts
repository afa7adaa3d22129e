import { SaxesParser } from 'saxes';
import { InputError } from '../errors.js';
import { lineLocator } from '../text/line-locator.js';

/** A start or end tag of an XML document; a self-closing tag gives both. Line and column are 1-based. */
export interface XmlTag {
  kind: 'open' | 'close';
  name: string;
  /** Decoded and normalised as XML says (entities expanded, tabs and line ends made spaces); empty on a close tag. */
  attributes: Readonly<Record<string, string>>;
  /** Where the tag's `<` is. */
  line: number;
  column: number;
}

/**
 * The tags of a small XML document such as a Label Studio labelling config, in document order.
 * The document must be well-formed XML (saxes, strict): comments, CDATA, processing instructions
 * and text are read and stepped over.
 *
 * @throws InputError (rule `label-config-syntax`) naming `file`, the line and the column.
 */
export function parseXmlTags(xml: string, file: string): XmlTag[] {
  const tags: XmlTag[] = [];
  const where = lineLocator(xml);
  const parser = new SaxesParser();
  // saxes reports a tag once past its ">"; a tag holds no other "<", so its own is the last one before.
  const start = () => where(xml.lastIndexOf('<', parser.position - 1));
  parser.on('error', (error) => {
    // saxes prefixes "line:column: " and counts the column of the character it failed on from 1.
    const reason = error.message.replace(/^\d+:\d+: /, '').replace(/\.$/, '');
    const { line } = parser;
    const column = Math.max(1, parser.column);
    throw new InputError(`${file}:${line}:${column}: label config is not well-formed XML: ${reason} (rule label-config-syntax)`, {
      file,
      item: 'label_config',
      rule: 'label-config-syntax',
      line,
      column,
    });
  });
  parser.on('opentag', (tag) => tags.push({ kind: 'open', name: tag.name, attributes: tag.attributes, ...start() }));
  parser.on('closetag', (tag) => tags.push({ kind: 'close', name: tag.name, attributes: {}, ...start() }));
  parser.write(xml).close();
  return tags;
}
