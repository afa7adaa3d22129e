import { describe, expect, it } from 'vitest';
import { parseXmlTags } from '../../src/label-studio/parse-xml-tags.js';

describe('parseXmlTags', () => {
  it('gives every start and end tag with where its "<" is, counting CRLF as one line end', () => {
    const xml = '\uFEFF<?xml version="1.0"?>\r\n<View>\r\n  <!-- <Fake/> -->\r\n\t<Image name="a&amp;b"\r\n value="$image"/><Text\n/></View>';
    expect(parseXmlTags(xml, 'config.xml').map(({ kind, name, attributes, line, column }) => [kind, name, attributes, `${line}:${column}`])).toEqual([
      ['open', 'View', {}, '2:1'],
      ['open', 'Image', { name: 'a&b', value: '$image' }, '4:2'],
      ['close', 'Image', {}, '4:2'],
      ['open', 'Text', {}, '5:18'],
      ['close', 'Text', {}, '5:18'],
      ['close', 'View', {}, '6:3'],
    ]);
  });
});
