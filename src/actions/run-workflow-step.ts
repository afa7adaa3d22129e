import * as core from '@actions/core';
import { describeError } from '../describe-error.js';

/**
 * The frame of every workflow entry in `scripts/`: runs the step and turns any failure into a
 * failed step whose message names the file, item and rule, with credentials masked.
 */
export async function runWorkflowStep(step: () => Promise<void>): Promise<void> {
  try {
    await step();
  } catch (error) {
    core.setFailed(describeError(error));
  }
}
