import { describe, expect, it } from 'vitest';
import { parseWeakLabels } from '../../src/dataset/weak-labels.js';
import { buildDemoDataset } from '../../src/demo/build-demo-dataset.js';
import { formatWeakLabelsCsv, formatWeakLabelsJsonl } from '../../src/demo/build-weak-labels.js';
import { InputError } from '../../src/errors.js';
import { thrown } from '../helpers/thrown.js';

const weights = { user_tag: 0.5, vote: 0.3, swipe: 0.2 };
const itemId = (taskId: string) => `1-${taskId}`;

describe('parseWeakLabels', () => {
  it('reads JSONL and weights each label by confidence × source weight', () => {
    const text = '{"task_id":7,"label":"circle","source":"vote","confidence":0.5,"observed_at":"2026-11-01T00:00:00Z"}\n\n';
    expect(parseWeakLabels(text, 'weak.jsonl', weights, itemId)).toEqual([
      { schema: 'WeakLabel/v1', item_id: '1-7', label: 'circle', source: 'vote', confidence: 0.5, weight: 0.15, observed_at: '2026-11-01T00:00:00Z' },
    ]);
  });

  it('reads CSV with quoted fields and CRLF line ends', () => {
    const text = 'item_id,label,source,confidence,observed_at\r\n"1-2","square",swipe,1,2026-11-01T00:00:00Z\r\n';
    expect(parseWeakLabels(text, 'weak.csv', weights, itemId)[0]).toMatchObject({ item_id: '1-2', label: 'square', weight: 0.2 });
  });

  it('names the file, line and rule of a bad label', () => {
    const bad = 'item_id,label,source,confidence,observed_at\n1-1,circle,rumour,0.5,2026-11-01T00:00:00Z\n';
    expect(() => parseWeakLabels(bad, 'weak.csv', weights, itemId)).toThrow('weak.csv:2: source "rumour" is not one of user_tag, vote, swipe');
    const nan = '{"item_id":"1-1","label":"circle","source":"vote","confidence":"high","observed_at":"2026-11-01T00:00:00Z"}\n';
    const error = (() => {
      try {
        parseWeakLabels(nan, 'weak.jsonl', weights, itemId);
      } catch (e) {
        return e as InputError;
      }
    })();
    expect(error?.data).toMatchObject({ file: 'weak.jsonl', item: 'line 1', rule: 'weak-label-confidence' });
  });
});

const HEADER = 'item_id,label,source,confidence,observed_at';
const AT = '2026-11-01T00:00:00Z';
const csv = (...lines: string[]) => lines.join('\n') + '\n';
const itemIds = (text: string) => parseWeakLabels(text, 'weak.csv', weights, itemId).map((label) => label.item_id);

function refusal(text: string): InputError {
  const error = thrown(() => parseWeakLabels(text, 'weak.csv', weights, itemId));
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

describe('parseWeakLabels reads CSV as spreadsheets write it', () => {
  it.each([
    ['a quoted field holding commas', csv(HEADER, `"1-2, copy",circle,vote,0.5,${AT}`), ['1-2, copy']],
    ['doubled quotes inside a quoted field', csv(HEADER, `"say ""cheese""",circle,vote,0.5,${AT}`), ['say "cheese"']],
    ['CRLF line ends', `${HEADER}\r\n1-1,circle,vote,0.5,${AT}\r\n1-2,square,swipe,1,${AT}\r\n`, ['1-1', '1-2']],
    ['CRLF, LF and CR line ends mixed in one file', `${HEADER}\r\n1-1,circle,vote,0.5,${AT}\n1-2,circle,vote,0.5,${AT}\r1-3,circle,vote,0.5,${AT}\r\n`, ['1-1', '1-2', '1-3']],
    ['a byte order mark before the header', `\uFEFF${csv(HEADER, `1-1,circle,vote,0.5,${AT}`)}`, ['1-1']],
    ['a byte order mark before a quoted header', `\uFEFF"item_id","label","source","confidence","observed_at"\r\n1-1,circle,vote,0.5,${AT}\r\n`, ['1-1']],
    ['line breaks inside a quoted field', csv(HEADER, `"first\nsecond",circle,vote,0.5,${AT}`, `"third\r\nfourth",circle,vote,0.5,${AT}`), ['first\nsecond', 'third\r\nfourth']],
    ['blank lines and no final line end', `${HEADER}\n\n1-1,circle,vote,0.5,${AT}\n\n1-2,circle,vote,0.5,${AT}`, ['1-1', '1-2']],
  ])('%s', (_case, text, ids) => {
    expect(itemIds(text)).toEqual(ids);
  });

  it('reads the CSV the demo writes exactly as its JSONL', () => {
    const { weakLabels } = buildDemoDataset({ seed: 3, count: 60 });
    const fromCsv = parseWeakLabels(formatWeakLabelsCsv(weakLabels), 'weak.csv', weights, itemId);
    expect(fromCsv.length).toBe(weakLabels.length);
    expect(fromCsv.length).toBeGreaterThan(5);
    expect(fromCsv).toEqual(parseWeakLabels(formatWeakLabelsJsonl(weakLabels), 'weak.jsonl', weights, itemId));
  });

  it('names the line a record starts on, after records spanning lines', () => {
    const text = `${HEADER}\r\n"a\r\nb",circle,vote,0.5,${AT}\r\n\r\n"c\nd\re",circle,rumour,0.5,${AT}\r\n`;
    expect(refusal(text).data).toEqual({ file: 'weak.csv', item: 'line 5', rule: 'weak-label-source' });
  });
});

describe('parseWeakLabels refuses CSV that breaks the format, naming the line', () => {
  it.each([
    ['a row with too many fields', csv(HEADER, `1-1,circle,vote,0.5,${AT}`, `"x\ny",circle,vote,0.5,${AT},extra`), 3, 'csv-columns', 'weak.csv:3: 6 fields, the header has 5'],
    ['a row with too few fields', csv(HEADER, `1-1,circle,vote,0.5,${AT}`, '1-2,circle,vote'), 3, 'csv-columns', 'weak.csv:3: 3 fields, the header has 5'],
    ['a quote that is never closed', csv(HEADER, `1-1,circle,vote,0.5,${AT}`, `"1-2,circle,vote,0.5,${AT}`, `1-3,circle,vote,0.5,${AT}`), 3, 'csv-syntax', 'weak.csv:3: not valid CSV (Quote Not Closed)'],
    ['a quote inside an unquoted field', csv(HEADER, `1-1,circ"le,vote,0.5,${AT}`, `1-2,circle,vote,0.5,${AT}`), 2, 'csv-syntax', 'weak.csv:2: not valid CSV (Invalid Opening Quote)'],
    ['text after a closing quote', csv(HEADER, `"1-1"x,circle,vote,0.5,${AT}`), 2, 'csv-syntax', 'weak.csv:2: not valid CSV (Invalid Closing Quote)'],
  ])('refuses %s', (_case, text, line, rule, message) => {
    const error = refusal(text);
    expect(error.data).toEqual({ file: 'weak.csv', item: `line ${line}`, rule });
    expect(error.message).toBe(message);
  });

  it('refuses a file with no header', () => {
    expect(refusal('\r\n\n').data).toEqual({ file: 'weak.csv', rule: 'csv-header' });
  });
});
