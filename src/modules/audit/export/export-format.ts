import { Transform } from 'node:stream';
import { stringify } from 'csv-stringify';

export const EXPORT_FORMATS = ['json', 'csv', 'ndjson'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export type StreamedFormat = Exclude<ExportFormat, 'json'>;

export const CONTENT_TYPES: Record<StreamedFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson',
};

/** A flat record: one CSV row, one NDJSON line. */
export type ExportRecord = Record<string, unknown>;

/** Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV cell: text that could start a formula is prefixed with `'`; nested values become JSON. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  const text = value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** Records in, CSV text out: a header row (also for an empty selection), then one quoted-as-needed row per record. */
export function csvEncoder(columns: string[]): Transform[] {
  const toCells = new Transform({
    objectMode: true,
    transform(record: ExportRecord, _encoding, callback) {
      callback(null, columns.map((column) => csvCell(record[column])));
    },
  });
  return [toCells, stringify({ header: true, columns, record_delimiter: 'unix' })];
}

/** Records in, one JSON document per line out. */
export function ndjsonEncoder(): Transform[] {
  return [
    new Transform({
      writableObjectMode: true,
      readableObjectMode: false,
      transform(record: ExportRecord, _encoding, callback) {
        callback(null, `${JSON.stringify(record)}\n`);
      },
    }),
  ];
}
