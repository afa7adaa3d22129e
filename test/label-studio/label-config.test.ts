import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { compareTaxonomy } from '../../src/label-studio/compare-taxonomy.js';
import { parseLabelConfig } from '../../src/label-studio/label-config.js';
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

  it.each([
    ['an unclosed tag', '<View><Choices name="c" toName="i"></View>', 'label-config-syntax'],
    ['a stray closing tag', '<View></Choices>', 'label-config-syntax'],
    ['an unquoted attribute', '<View><Image name=img value="$image"/></View>', 'label-config-syntax'],
    ['an unclosed comment', '<View><!-- </View>', 'label-config-syntax'],
    ['a choice without a value', '<Choices name="c" toName="i"><Choice alias="x"/></Choices>', 'label-config'],
    ['choices without toName', '<Choices name="c"><Choice value="x"/></Choices>', 'label-config'],
  ])('refuses %s', (_case, xml, rule) => {
    const error = (() => {
      try {
        parseLabelConfig(xml, 'project-1.xml');
      } catch (caught) {
        return caught;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).data).toMatchObject({ file: 'project-1.xml', rule });
    expect((error as InputError).message).toContain(`rule ${rule}`);
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
