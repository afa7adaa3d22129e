import { describe, expect, it } from 'vitest';
import { canonicalize, formatJsonFile, sha256Hex } from '../../src/artifacts/canonical-json.js';

describe('canonical JSON', () => {
  it('sorts keys by code unit at every depth and drops undefined members', () => {
    expect(canonicalize({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined }, B: true })).toBe('{"B":true,"a":{"d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('writes numbers in their shortest round-trip form, and -0 as 0', () => {
    expect(canonicalize([1.0, 0.1 + 0.2, 1e21, 1e-7, -0, 5e-324])).toBe('[1,0.30000000000000004,1e+21,1e-7,0,5e-324]');
  });

  it('refuses values with no JSON form, naming where they are', () => {
    expect(() => canonicalize({ a: [1, Number.NaN] })).toThrow('$.a[1]: NaN has no JSON form');
    expect(() => canonicalize({ f: () => 1 })).toThrow('$.f: a function has no JSON form');
  });

  it('gives the same bytes, and so the same sha256, whatever the key order', () => {
    const a = formatJsonFile({ x: 1, y: [true, null, 'é'] });
    const b = formatJsonFile({ y: [true, null, 'é'], x: 1 });
    expect(a).toBe('{\n  "x": 1,\n  "y": [\n    true,\n    null,\n    "é"\n  ]\n}\n');
    expect(sha256Hex(a)).toBe(sha256Hex(b));
  });
});
