import { parseJsonText } from '../artifacts/codec.js';
import type { WeakLabel } from '../artifacts/schemas/dataset.js';
import { validateArtifact } from '../artifacts/validate.js';
import { InputError } from '../errors.js';

const SOURCES = new Set(['user_tag', 'vote', 'swipe']);

/** A user signal as it arrives, before cairn gives it a weight. */
interface RawWeakLabel {
  item_id: string;
  label: string;
  source: string;
  confidence: number;
  observed_at: string;
}

/**
 * Parses weak labels from JSONL or CSV (header: item_id,label,source,confidence,observed_at; a
 * `task_id` column is accepted for `item_id`). Each gets weight = confidence × the weight of its
 * source, and is checked against the WeakLabel schema. Errors name the file, the line and the rule.
 */
export function parseWeakLabels(text: string, file: string, weights: Record<string, number>, itemIdForTask: (taskId: string) => string): WeakLabel[] {
  const rows = file.endsWith('.csv') ? parseCsv(text, file) : parseJsonLines(text, file);
  return rows.map(({ line, raw }) => {
    const record = raw as Partial<RawWeakLabel> & { task_id?: unknown };
    const itemId = record.item_id ?? (record.task_id !== undefined ? itemIdForTask(String(record.task_id)) : undefined);
    const source = String(record.source ?? '');
    if (!SOURCES.has(source)) {
      throw new InputError(`${file}:${line}: source "${source}" is not one of user_tag, vote, swipe`, { file, item: `line ${line}`, rule: 'weak-label-source' });
    }
    const confidence = Number(record.confidence);
    if (!Number.isFinite(confidence) || confidence < 0 || confidence > 1) {
      throw new InputError(`${file}:${line}: confidence must be a number in [0, 1], found ${String(record.confidence)}`, { file, item: `line ${line}`, rule: 'weak-label-confidence' });
    }
    const weight = Math.round(confidence * (weights[source] ?? 0) * 1e6) / 1e6;
    const label = { schema: 'WeakLabel/v1', item_id: itemId, label: record.label, source, confidence, weight, observed_at: record.observed_at };
    return validateArtifact('WeakLabel', label, file, line);
  });
}

function parseJsonLines(text: string, file: string): Array<{ line: number; raw: unknown }> {
  return text
    .split('\n')
    .map((content, index) => ({ content: content.trim(), line: index + 1 }))
    .filter(({ content }) => content.length > 0)
    .map(({ content, line }) => ({ line, raw: parseJsonText(content, `${file}:${line}`) }));
}

/** RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF. */
function parseCsv(text: string, file: string): Array<{ line: number; raw: unknown }> {
  const records = splitCsv(text);
  const header = records.shift();
  if (!header) throw new InputError(`${file}: empty CSV, expected a header line`, { file, rule: 'csv-header' });
  const columns = header.fields.map((name) => name.trim());
  return records
    .filter((record) => record.fields.some((field) => field.length > 0))
    .map((record) => {
      if (record.fields.length !== columns.length) {
        throw new InputError(`${file}:${record.line}: ${record.fields.length} fields, the header has ${columns.length}`, { file, item: `line ${record.line}`, rule: 'csv-columns' });
      }
      return { line: record.line, raw: Object.fromEntries(columns.map((name, i) => [name, record.fields[i]])) };
    });
}

function splitCsv(text: string): Array<{ line: number; fields: string[] }> {
  const records: Array<{ line: number; fields: string[] }> = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (char === '"') quoted = false;
      else field += char;
      if (char === '\n') line++;
    } else if (char === '"') quoted = true;
    else if (char === ',') fields.push(field), (field = '');
    else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      fields.push(field);
      records.push({ line: recordLine, fields });
      fields = [];
      field = '';
      recordLine = ++line;
    } else field += char;
  }
  if (field.length > 0 || fields.length > 0) records.push({ line: recordLine, fields: [...fields, field] });
  return records;
}
