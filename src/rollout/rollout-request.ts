import { UsageError } from '../errors.js';

/** What a person or a stage asks of a rollout; `start` and `pin` name a model version. */
export type RolloutRequest =
  | { action: 'start'; version: string }
  | { action: 'advance' }
  | { action: 'promote' }
  | { action: 'abort' }
  | { action: 'kill-switch-on' }
  | { action: 'kill-switch-off' }
  | { action: 'pin'; version: string }
  | { action: 'unpin' };

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
