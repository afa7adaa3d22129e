import { describe, expect, it } from 'vitest';
import { parseWeakLabels } from '../../src/dataset/weak-labels.js';
import { InputError } from '../../src/errors.js';

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
