import { UsageError } from '../errors.js';
import type { RolloutChange } from './plan-rollout-change.js';

/**
 * What a person or a stage asks of a rollout: a change, except that `start` names only the model
 * version (its gate decision and stages are read when the change is planned) and an approval is
 * recorded only by the review check.
 */
export type RolloutRequest = Exclude<RolloutChange, { action: 'start' | 'approve' }> | { action: 'start'; version: string };

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

/** `cairn rollout <action> [argument]` as a request: `start <version>`, `kill-switch on|off`, `pin <version>`. */
export function parseRolloutRequest(action: string, argument: string | undefined): RolloutRequest {
  const version = (what: string): string => {
    if (!argument || !SEMVER.test(argument)) throw new UsageError(`cairn rollout ${action} needs ${what} (a model version such as 1.2.0), not "${argument ?? ''}"`, { action, argument });
    return argument;
  };
  const none = <T extends RolloutRequest>(request: T): T => {
    if (argument !== undefined) throw new UsageError(`cairn rollout ${action} takes no argument, not "${argument}"`, { action, argument });
    return request;
  };
  switch (action) {
    case 'start':
      return { action, version: version('the version to roll out') };
    case 'pin':
      return { action, version: version('the version to pin') };
    case 'advance':
    case 'promote':
    case 'abort':
    case 'unpin':
      return none({ action });
    case 'kill-switch':
      if (argument === 'on' || argument === 'off') return { action: `kill-switch-${argument}` };
      throw new UsageError(`cairn rollout kill-switch needs on or off, not "${argument ?? ''}"`, { action, argument });
    default:
      throw new UsageError(`unknown rollout action "${action}": expected start, advance, promote, abort, kill-switch, pin or unpin`, { action });
  }
}
