import { InputError } from '../errors.js';
import { isRecord, show } from './task-fields.js';

/** The parts of `GET /api/projects/{id}/` cairn uses. */
export interface LabelStudioProject {
  id: number;
  title: string;
  /** `task_number`: every task in the project, labelled or not. */
  taskNumber: number;
  labelConfig: string;
}

/** An export snapshot, from `POST /api/projects/{id}/exports/` or `GET …/exports/{export_id}`. */
export interface ExportSnapshot {
  id: number;
  status: 'created' | 'in_progress' | 'completed' | 'failed';
}

/** What `POST /api/projects/{id}/import` reports: counts for a synchronous import, an import id for a queued one. */
export interface ImportSummary {
  taskCount: number | null;
  annotationCount: number | null;
  predictionCount: number | null;
  taskIds: number[];
  importId: number | null;
}

const SNAPSHOT_STATUSES = new Set(['created', 'in_progress', 'completed', 'failed']);

/** Parses a response body as JSON; an answer that is not JSON is bad input from the server. */
export function parseJsonAnswer(text: string, url: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InputError(`${url}: the answer to ${what} is not JSON: ${show(text)} (rule json-answer)`, { file: url, item: what, rule: 'json-answer' }, { cause: error });
  }
}

/** Validates the answer of `GET /api/projects/{id}/`. */
export function parseProject(answer: unknown, url: string): LabelStudioProject {
  const body = record(answer, url, 'project');
  return {
    id: integer(body.id, url, 'project', 'id'),
    title: typeof body.title === 'string' ? body.title : '',
    taskNumber: integer(body.task_number, url, 'project', 'task_number'),
    labelConfig: typeof body.label_config === 'string' ? body.label_config : '',
  };
}

/** Validates an export snapshot answer; an unknown status is refused. */
export function parseSnapshot(answer: unknown, url: string): ExportSnapshot {
  const body = record(answer, url, 'export snapshot');
  const status = body.status;
  if (typeof status !== 'string' || !SNAPSHOT_STATUSES.has(status)) throw shapeError(url, 'export snapshot', 'status', status);
  return { id: integer(body.id, url, 'export snapshot', 'id'), status: status as ExportSnapshot['status'] };
}

/** The `access` token of a `/api/token/refresh` answer. */
export function parseAccessToken(answer: unknown, url: string): string {
  const body = record(answer, url, 'token refresh');
  if (typeof body.access !== 'string' || body.access.length === 0) throw shapeError(url, 'token refresh', 'access', '(not a token)');
  return body.access;
}

/** Validates the answer of `POST /api/projects/{id}/import`, synchronous or queued. */
export function parseImportSummary(answer: unknown, url: string): ImportSummary {
  const body = record(answer, url, 'import');
  const count = (field: string) => (body[field] === undefined || body[field] === null ? null : integer(body[field], url, 'import', field));
  const taskIds = body.task_ids === undefined ? [] : body.task_ids;
  if (!Array.isArray(taskIds)) throw shapeError(url, 'import', 'task_ids', taskIds);
  const summary = {
    taskCount: count('task_count'),
    annotationCount: count('annotation_count'),
    predictionCount: count('prediction_count'),
    taskIds: taskIds.map((id) => integer(id, url, 'import', 'task_ids')),
    importId: count('import'),
  };
  if (summary.taskCount === null && summary.importId === null) throw shapeError(url, 'import', 'task_count', undefined);
  return summary;
}

/** The `detail` of a Label Studio error body, else the start of the body, for messages. */
export function errorDetail(text: string): string {
  try {
    const body = JSON.parse(text) as unknown;
    if (isRecord(body) && typeof body.detail === 'string') return body.detail;
  } catch {
    // Not JSON: an HTML error page or a proxy's text; show its start.
  }
  return text.replace(/\s+/g, ' ').trim().slice(0, 200);
}

function record(answer: unknown, url: string, what: string): Record<string, unknown> {
  if (!isRecord(answer)) throw shapeError(url, what, '(top level)', answer);
  return answer;
}

function integer(value: unknown, url: string, what: string, field: string): number {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  throw shapeError(url, what, field, value);
}

function shapeError(url: string, what: string, field: string, value: unknown): InputError {
  return new InputError(`${url}: the ${what} answer has a bad ${field}: ${show(value)} (rule answer-shape)`, { file: url, item: what, rule: 'answer-shape', field });
}
