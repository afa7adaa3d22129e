import { describe, expect, it } from 'vitest';
import { evaluateExpression, interpolate } from './emulator/evaluate-expression.js';

const context = {
  github: { event_name: 'pull_request_target', head_ref: 'cairn/ingest/shapes/v0003', event: { pull_request: { number: 7, base: { sha: 'abc' } }, before: null } },
  inputs: { model: '' },
};

describe('the emulator’s expressions behave as GitHub’s', () => {
  it('reads context paths, with null for what is missing', () => {
    expect(evaluateExpression('github.event.pull_request.base.sha', context)).toBe('abc');
    expect(evaluateExpression("github.event['pull_request'].number", context)).toBe(7);
    expect(evaluateExpression('github.event.pull_request.head.sha', context)).toBeNull();
  });

  it('returns an operand from || and &&, as GitHub does', () => {
    expect(evaluateExpression("inputs.model || 'all'", context)).toBe('all');
    expect(evaluateExpression("github.event.pull_request.base.sha || github.sha", context)).toBe('abc');
    expect(evaluateExpression("github.event_name == 'PULL_REQUEST_TARGET' && 'yes'", context)).toBe('yes');
    expect(evaluateExpression("!(github.event_name != 'push')", context)).toBe(false);
  });

  it('knows startsWith and format', () => {
    expect(evaluateExpression("startsWith(github.head_ref, 'cairn/ingest/')", context)).toBe(true);
    expect(interpolate("group-${{ format('{0}-{1}', github.event.pull_request.number, 'x') }}", context)).toBe('group-7-x');
  });

  it('refuses what it does not know instead of guessing', () => {
    expect(() => evaluateExpression('fromJSON(inputs.model)', context)).toThrow(/unsupported function fromJSON/);
    expect(() => evaluateExpression('github.sha > 1', context)).toThrow(/unsupported syntax/);
  });
});
