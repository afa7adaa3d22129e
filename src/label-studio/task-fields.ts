import { Name } from '../artifacts/schemas/common.js';
import { InputError } from '../errors.js';

/** Where a value sits: the export file and the task (its id, or `#index` before the id is known). */
export interface TaskWhere {
  file: string;
  item: string;
}

/** The InputError for a task that breaks `rule`; the message names the file, the task and the rule. */
export function taskError(where: TaskWhere, rule: string, detail: string, extra: Record<string, unknown> = {}): InputError {
  return new InputError(`${where.file}: task ${where.item}: ${detail} (rule ${rule})`, { file: where.file, item: where.item, rule, ...extra });
}

/** A JSON object: not null, not a list. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short, bounded rendering of a bad value for an error message. */
export function show(value: unknown): string {
  const text = value === undefined ? 'undefined' : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** An object field that must itself be an object. */
export function readRecord(value: unknown, where: TaskWhere, field: string): Record<string, unknown> {
  if (!isRecord(value)) throw taskError(where, 'wrong-type', `${field} must be an object, not ${show(value)}`, { field });
  return value;
}

/** Label Studio ids are integers; its docs also show them as digit strings ("1001"). */
export function readId(value: unknown, where: TaskWhere, field: string): number {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d{1,15}$/.test(value)) return Number(value);
  throw taskError(where, 'wrong-type', `${field} must be an integer id, not ${show(value)}`, { field });
}

/** An optional boolean flag; absent means false. */
export function readFlag(value: unknown, where: TaskWhere, field: string): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  throw taskError(where, 'wrong-type', `${field} must be true or false, not ${show(value)}`, { field });
}

/** A number that must be finite; JSON has no NaN, so a string or null here is the usual fault. */
export function readNumber(value: unknown, where: TaskWhere, field: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw taskError(where, 'non-numeric-coordinate', `${field} must be a number, not ${show(value)}`, { field });
}

/** A list of strings, such as `choices` or `rectanglelabels`. */
export function readStrings(value: unknown, where: TaskWhere, field: string): string[] {
  if (Array.isArray(value) && value.every((entry) => typeof entry === 'string')) return value as string[];
  throw taskError(where, 'wrong-type', `${field} must be a list of strings, not ${show(value)}`, { field });
}

/** Class names become file paths and metric keys, so they follow the artifacts' `Name` rule. */
const LABEL_NAME = new RegExp(Name.pattern ?? '');

export function assertLabelName(label: string, where: TaskWhere, field: string): string {
  if (LABEL_NAME.test(label)) return label;
  throw taskError(where, 'label-name', `${field} ${show(label)} is not a usable class name (letters, digits, ".", "_", "-")`, { field, label });
}
