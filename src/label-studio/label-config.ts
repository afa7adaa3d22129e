import { InputError } from '../errors.js';
import { parseXmlTags, type XmlTag } from './parse-xml-tags.js';

/** A control tag of a labelling config (`<Choices>`, `<RectangleLabels>`) and the values it offers. */
export interface ControlTag {
  name: string;
  toName: string;
  values: string[];
}

/** An `<Image name="image" value="$image"/>` object tag; `value` names the task's data key. */
export interface ImageTag {
  name: string;
  value: string;
}

/** What cairn reads from a Label Studio labelling config. */
export interface LabelConfig {
  images: ImageTag[];
  /** Image-level classes: each `<Choices>` with its `<Choice value>`s. */
  choices: ControlTag[];
  /** Box classes: each `<RectangleLabels>` with its `<Label value>`s. */
  rectangleLabels: ControlTag[];
}

interface OpenElement {
  name: string;
  control: ControlTag | null;
}

/**
 * Parses a labelling config: image tags, `<Choices>` and `<RectangleLabels>` with their values.
 * Tag names match in any case, as in Label Studio. A `<Choice>` counts only inside `<Choices>`
 * (not `<Taxonomy>`), a `<Label>` only inside `<RectangleLabels>` (not other `*Labels` tags).
 *
 * @throws InputError with rule `label-config-syntax` (not well-formed) or `label-config`
 *   (a control without `name`/`toName`, a choice or label without `value`).
 */
export function parseLabelConfig(xml: string, file = 'label_config.xml'): LabelConfig {
  const config: LabelConfig = { images: [], choices: [], rectangleLabels: [] };
  const stack: OpenElement[] = [];
  for (const tag of parseXmlTags(xml, file)) {
    const name = tag.name.toLowerCase();
    if (tag.kind === 'close') {
      stack.pop();
      continue;
    }
    let control: ControlTag | null = null;
    if (name === 'image') config.images.push({ name: required(tag, 'name', file), value: required(tag, 'value', file) });
    else if (name === 'choices') config.choices.push((control = newControl(tag, file)));
    else if (name === 'rectanglelabels') config.rectangleLabels.push((control = newControl(tag, file)));
    else if (name === 'choice') addValue(enclosing(stack, (n) => n === 'choices' || n === 'taxonomy', 'choices'), tag, file);
    else if (name === 'label') addValue(enclosing(stack, (n) => n.endsWith('labels'), 'rectanglelabels'), tag, file);
    stack.push({ name, control });
  }
  return config;
}

function newControl(tag: XmlTag, file: string): ControlTag {
  return { name: required(tag, 'name', file), toName: required(tag, 'toName', file), values: [] };
}

/** The control of the nearest enclosing element that `stops` the search, if it is a `wanted` one. */
function enclosing(stack: OpenElement[], stops: (name: string) => boolean, wanted: string): ControlTag | null {
  for (let i = stack.length - 1; i >= 0; i--) {
    const element = stack[i]!;
    if (stops(element.name)) return element.name === wanted ? element.control : null;
  }
  return null;
}

function addValue(control: ControlTag | null, tag: XmlTag, file: string): void {
  if (!control) return;
  const value = required(tag, 'value', file);
  if (!control.values.includes(value)) control.values.push(value);
}

/** An attribute that must be present and non-empty; `toname` is accepted for `toName`. */
function required(tag: XmlTag, attribute: string, file: string): string {
  const value = tag.attributes[attribute] ?? tag.attributes[attribute.toLowerCase()];
  if (value !== undefined && value.length > 0) return value;
  throw new InputError(`${file}:${tag.line}:${tag.column}: <${tag.name}> has no ${attribute} (rule label-config)`, {
    file,
    item: tag.name,
    rule: 'label-config',
    line: tag.line,
    column: tag.column,
  });
}
