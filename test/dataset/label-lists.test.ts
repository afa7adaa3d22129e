import { describe, expect, it } from 'vitest';
import { LabelLists } from '../../src/dataset/label-lists.js';

describe('LabelLists', () => {
  it('hands out one frozen copy per distinct list, in the order given', () => {
    const lists = new LabelLists();
    const given = ['square', 'ring'];
    const first = lists.share(given);
    given.push('cross');
    expect(first).toEqual(['square', 'ring']);
    expect(Object.isFrozen(first)).toBe(true);
    expect(lists.share(['square', 'ring'])).toBe(first);
    expect(lists.share(['ring', 'square'])).not.toBe(first);
    expect(lists.share(['circle'])).toBe(lists.share(['circle']));
    expect(lists.share([])).toBe(lists.share([]));
  });

  it('keeps no more than its limit, returning further lists as they are', () => {
    const lists = new LabelLists(2);
    lists.share(['a']);
    lists.share(['b']);
    const third = ['c'];
    expect(lists.share(third)).toBe(third);
    expect(lists.share(['a'])).toEqual(['a']);
  });
});
