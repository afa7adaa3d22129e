import { describe, expect, it } from 'vitest';
import { buildDemoTaxonomy, buildLabelConfig } from '../../src/demo/build-label-config.js';
import { DEMO_SHAPES } from '../../src/demo/shapes.js';

describe('buildLabelConfig', () => {
  const config = buildLabelConfig(DEMO_SHAPES);

  it('declares the image, the image class and the regions with the names the results use', () => {
    expect(config).toMatchInlineSnapshot(`
      "<View>
        <Image name="image" value="$image"/>
        <Choices name="class" toName="image" choice="single" showInLine="true">
          <Choice value="circle"/>
          <Choice value="square"/>
          <Choice value="triangle"/>
          <Choice value="ring"/>
          <Choice value="cross"/>
        </Choices>
        <RectangleLabels name="region" toName="image">
          <Label value="circle" background="rgba(255, 99, 71, 1)"/>
          <Label value="square" background="rgba(30, 144, 255, 1)"/>
          <Label value="triangle" background="rgba(50, 205, 50, 1)"/>
          <Label value="ring" background="rgba(218, 112, 214, 1)"/>
          <Label value="cross" background="rgba(255, 165, 0, 1)"/>
        </RectangleLabels>
      </View>
      "
    `);
  });

  it('lists every class as a choice and as a region label, and only those', () => {
    const classes = ['triangle', 'circle'] as const;
    const small = buildLabelConfig(classes);
    expect([...small.matchAll(/<Choice value="([^"]+)"/g)].map((m) => m[1])).toEqual(classes);
    expect([...small.matchAll(/<Label value="([^"]+)"/g)].map((m) => m[1])).toEqual(classes);
  });
});

describe('buildDemoTaxonomy', () => {
  it('names every shape as a class and a region class under taxonomy_v1', () => {
    expect(buildDemoTaxonomy(['circle', 'square'])).toEqual({
      taxonomy_version: 'taxonomy_v1',
      classes: [{ name: 'circle' }, { name: 'square' }],
      region_classes: [{ name: 'circle' }, { name: 'square' }],
    });
  });
});
