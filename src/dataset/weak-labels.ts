import { CsvError, parse } from 'csv-parse/sync';
import { parseJsonText } from '../artifacts/codec.js';
import type { WeakLabel } from '../artifacts/schemas/dataset.js';
import { validateArtifact } from '../artifacts/validate.js';
import { InputError } from '../errors.js';
import { lineLocator } from '../text/line-locator.js';

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

/**
 * RFC 4180 CSV read by csv-parse: quoted fields, doubled quotes, line breaks inside quotes, CRLF, LF
 * or CR line ends, a BOM. Blank lines are skipped; each record is named by the line it starts on.
 */
function parseCsv(text: string, file: string): Array<{ line: number; raw: unknown }> {
  const bytes = Buffer.from(text, 'utf8');
  const locate = lineLocator(bytes);
  const lineAt = (offset: number) => locate(offset).line;
  // csv-parse counts its progress in bytes; with blank lines kept, each record starts where the last ended.
  let start = 0;
  const lines: number[] = [];
  let records: CsvRecord[];
  try {
    records = parse(bytes, {
      bom: true,
      relax_column_count: true,
      // Any line end, mixed too: csv-parse would otherwise keep only the first kind it meets.
      record_delimiter: ['\r\n', '\n', '\r'],
      on_record: (fields, { bytes: end }) => {
        lines.push(lineAt(start));
        start = end;
        return fields;
      },
    }).map((fields, i) => ({ line: lines[i]!, fields }));
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const line = lineAt(start);
    // csv-parse's own "at line N" counts CRLF inside quotes twice, so only its reason is kept.
    const reason = error.message.split(':')[0];
    throw new InputError(`${file}:${line}: not valid CSV (${reason})`, { file, item: `line ${line}`, rule: 'csv-syntax' }, { cause: error });
  }
  const [header, ...rows] = records.filter((record) => record.fields.some((field) => field.length > 0));
  if (!header) throw new InputError(`${file}: empty CSV, expected a header line`, { file, rule: 'csv-header' });
  const columns = header.fields.map((name) => name.trim());
  return rows.map((record) => {
    if (record.fields.length !== columns.length) {
      throw new InputError(`${file}:${record.line}: ${record.fields.length} fields, the header has ${columns.length}`, { file, item: `line ${record.line}`, rule: 'csv-columns' });
    }
    return { line: record.line, raw: Object.fromEntries(columns.map((name, i) => [name, record.fields[i]])) };
  });
}

interface CsvRecord {
  line: number;
  fields: string[];
}
