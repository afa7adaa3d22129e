import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { compareTaxonomy } from '../../src/label-studio/compare-taxonomy.js';
import { parseLabelConfig } from '../../src/label-studio/label-config.js';
import { thrown } from '../helpers/thrown.js';
import { FIXTURES } from './fixtures.js';

const fixtureConfig = (name: string) => parseLabelConfig(readFileSync(join(FIXTURES, `${name}.label_config.xml`), 'utf8'), name);
const classes = (...names: string[]) => names.map((name) => ({ name }));

describe('parseLabelConfig', () => {
  it('reads the box labels of the fixtures and leaves polygon and keypoint labels out', () => {
    expect(fixtureConfig('sdk-coco-export-newer-fields')).toEqual({
      images: [{ name: 'image', value: '$image' }],
      choices: [],
      rectangleLabels: [{ name: 'rectangle_label', toName: 'image', values: ['rectangle_label'] }],
    });
    expect(fixtureConfig('sdk-yolo-export-rectanglelabels').rectangleLabels).toEqual([{ name: 'label', toName: 'image', values: ['parasites', 'white'] }]);
    expect(fixtureConfig('sdk-yolo-obb-export-rotated').rectangleLabels).toEqual([{ name: 'label', toName: 'image', values: ['butterfly'] }]);
  });

  it('reads choices and labels through comments, either quote, entities, self-closing and open tags', () => {
    const xml = `<?xml version="1.0"?>
      <!-- <Choice value="commented-out"/> -->
      <View style='display: flex'>
        <Image name='img' value='$photo' zoom="true"/>
        <Header value="Pick one &amp; draw &lt;boxes&gt;"/>
        <Choices name="class" toName="img" choice="single" showInLine="true">
          <Choice value="circle"/>
          <Choice value='ring' hint="a > sign in an attribute"></Choice>
          <Choice value="circle" />
          <Choice value="caf&#xE9;"/>
        </Choices>
        <Taxonomy name="tax" toName="img"><Choice value="not-a-class"/></Taxonomy>
        <Labels name="ner" toName="img"><Label value="not-a-box"/></Labels>
        <rectanglelabels name="region" toname="img">
          <Label value="circle" background="rgba(255, 99, 71, 1)"/>
          <Label value="cross" background='orange'/>
        </rectanglelabels>
      </View>`;
    expect(parseLabelConfig(xml)).toEqual({
      images: [{ name: 'img', value: '$photo' }],
      choices: [{ name: 'class', toName: 'img', values: ['circle', 'ring', 'café'] }],
      rectangleLabels: [{ name: 'region', toName: 'img', values: ['circle', 'cross'] }],
    });
  });

});

/** The values of the one `<Choices>` of a config whose image is `img`. */
const choiceValues = (xml: string) => parseLabelConfig(xml).choices.flatMap((control) => control.values);
const within = (choices: string) => `<View><Image name="img" value="$image"/><Choices name="class" toName="img">${choices}</Choices></View>`;

function refusal(xml: string): InputError {
  const error = thrown(() => parseLabelConfig(xml, 'project-1.xml'));
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

describe('parseLabelConfig reads configs as Label Studio users write them', () => {
  it.each([
    ['comments, one holding a tag', within('<!-- <Choice value="commented-out"/> --><Choice value="circle"/><!---->'), ['circle']],
    [
      'entities, named and numeric',
      within('<Choice value="a &amp; b"/><Choice value="driver&#x27;s seat"/><Choice value="caf&#233;"/><Choice value="&lt;&gt;&quot;&apos;"/>'),
      ['a & b', "driver's seat", 'café', `<>"'`],
    ],
    ['CDATA holding a tag', within('<![CDATA[ <Choice value="in-cdata"/> & ]]><Choice value="circle"/>'), ['circle']],
    [
      'an XML declaration, a byte order mark and a processing instruction',
      `\uFEFF<?xml version="1.0" encoding="UTF-8"?>\n${within('<?label-studio hint="not a tag > <Choice/>"?><Choice value="circle"/>')}`,
      ['circle'],
    ],
    [
      'tabs, line breaks and spaces around "=" between attributes',
      within('<Choice\n\tvalue = "circle"\n\thint="round"\n/><Choice value="ring"\n></Choice\n>'),
      ['circle', 'ring'],
    ],
    ['line breaks and tabs inside a value, which XML reads as spaces', within('<Choice value="light\nblue"/><Choice value="dark\r\n\tred"/><Choice value="keep&#10;this"/>'), ['light blue', 'dark  red', 'keep\nthis']],
    ['CRLF line ends throughout', within('\r\n  <Choice value="circle"/>\r\n  <Choice value="cross"/>\r\n'), ['circle', 'cross']],
    ['either quote, each holding the other', within(`<Choice value='say "hi"'/><Choice value="it's"/><Choice value='a &gt; b'/>`), ['say "hi"', "it's", 'a > b']],
    [
      'a <Style> block of CSS with child selectors, quotes and at-rules',
      `<View>
  <Style>
    .lsf-main-content > .header { font-weight: bold; }
    .choice::after { content: "&gt; pick one"; }
    @media (max-width: 600px) { .lsf-main-content { flex-direction: column; } }
  </Style>
  <Style><![CDATA[ .note::before { content: "<b> & </b>"; } ]]></Style>
  <Image name="img" value="$image"/>
  <Choices name="class" toName="img"><Choice value="circle"/></Choices>
</View>`,
      ['circle'],
    ],
    [
      'nested <View>s, with choices two levels down',
      `<View style="display: flex;">
  <View style="width: 60%"><Image name="img" value="$image"/></View>
  <View style="flex: 1"><View><Header value="Shape"/>
    <Choices name="class" toName="img"><View><Choice value="circle"/></View><Choice value="cross"/></Choices>
  </View></View>
</View>`,
      ['circle', 'cross'],
    ],
  ])('%s', (_case, xml, values) => {
    expect(choiceValues(xml)).toEqual(values);
  });

  it('reads the rectangle labels and images of the same config as well', () => {
    const xml = `<View>\r\n  <Image name='img' value='$photo'/>\r\n  <RectangleLabels name="box" toName="img"><Label value="under &lt; 1 cm"/></RectangleLabels>\r\n</View>`;
    expect(parseLabelConfig(xml)).toEqual({
      images: [{ name: 'img', value: '$photo' }],
      choices: [],
      rectangleLabels: [{ name: 'box', toName: 'img', values: ['under < 1 cm'] }],
    });
  });
});

describe('parseLabelConfig refuses a config that is not well-formed XML, naming the line and column', () => {
  it.each([
    ['an unquoted attribute', '<View>\n  <Image name=img value="$image"/>\n</View>', 2, 15, 'unquoted attribute value'],
    ['an unclosed tag', '<View>\n  <Choices name="c" toName="i">\n</View>', 3, 7, 'unexpected close tag'],
    ['a stray closing tag', '<View>\n</Choices>\n</View>', 2, 10, 'unexpected close tag'],
    ['an unclosed comment', '<View>\n<!-- </View>', 2, 12, 'unclosed tag: View'],
    ['"--" inside a comment', '<View>\n  <!-- a -- b -->\n</View>', 2, 12, 'malformed comment'],
    ['an entity XML does not define', '<View>\n  <Header value="a&nbsp;b"/>\n</View>', 2, 24, 'undefined entity'],
    ['a "<" inside a value', '<View>\n  <Header value="a < b"/>\n</View>', 2, 20, 'disallowed character'],
    ['no space between attributes', '<View>\n  <Image name="img"value="$image"/>\n</View>', 2, 20, 'no whitespace between attributes'],
    ['an attribute given twice', '<View>\n  <Image name="a" name="b"/>\n</View>', 2, 28, 'duplicate attribute: name'],
    ['two root elements', '<View/>\n<View/>', 2, 6, 'documents may contain only one root'],
    ['text after the root', '<View/>\nleft over', 2, 9, 'text data outside of root node'],
    ['an empty file', '', 1, 1, 'document must contain a root element'],
  ])('refuses %s', (_case, xml, line, column, reason) => {
    const error = refusal(xml);
    expect(error.data).toEqual({ file: 'project-1.xml', item: 'label_config', rule: 'label-config-syntax', line, column });
    expect(error.message).toBe(`project-1.xml:${line}:${column}: label config is not well-formed XML: ${reason} (rule label-config-syntax)`);
  });

  it.each([
    ['a choice without a value', '<View>\n  <Choices name="c" toName="i">\n    <Choice alias="x"/>\n  </Choices>\n</View>', 'Choice', 3, 5, 'value'],
    ['choices without toName', '<View>\r\n\t<Choices name="c"><Choice value="x"/></Choices>\r\n</View>', 'Choices', 2, 2, 'toName'],
  ])('refuses %s, naming the tag where it starts', (_case, xml, tag, line, column, attribute) => {
    const error = refusal(xml);
    expect(error.data).toEqual({ file: 'project-1.xml', item: tag, rule: 'label-config', line, column });
    expect(error.message).toBe(`project-1.xml:${line}:${column}: <${tag}> has no ${attribute} (rule label-config)`);
  });
});

describe('compareTaxonomy', () => {
  it('finds nothing when the taxonomy and the config agree', () => {
    const config = fixtureConfig('sdk-yolo-export-rectanglelabels');
    expect(compareTaxonomy({ classes: [], region_classes: classes('white', 'parasites') }, config)).toEqual([]);
  });

  it('compares names exactly: the OBB fixture labels "Butterfly" while its config offers "butterfly"', () => {
    expect(compareTaxonomy({ classes: [], region_classes: classes('Butterfly') }, fixtureConfig('sdk-yolo-obb-export-rotated'))).toEqual([
      {
        scope: 'region_classes',
        name: 'Butterfly',
        problem: 'missing-from-config',
        message: 'region class "Butterfly" is in the taxonomy but no <RectangleLabels> <Label> offers it',
      },
      {
        scope: 'region_classes',
        name: 'butterfly',
        problem: 'missing-from-taxonomy',
        message: 'region class "butterfly" is offered by a <RectangleLabels> <Label> but is not in the taxonomy',
      },
    ]);
  });

  it('reports image classes and region classes on each side', () => {
    const config = parseLabelConfig(`<View><Image name="image" value="$image"/>
      <Choices name="class" toName="image"><Choice value="circle"/><Choice value="hexagon"/></Choices>
      <RectangleLabels name="region" toName="image"><Label value="circle"/></RectangleLabels></View>`);
    const differences = compareTaxonomy({ classes: classes('circle', 'square'), region_classes: classes('circle', 'square') }, config);
    expect(differences.map(({ scope, name, problem }) => `${scope} ${name} ${problem}`)).toEqual([
      'classes square missing-from-config',
      'classes hexagon missing-from-taxonomy',
      'region_classes square missing-from-config',
    ]);
  });
});
