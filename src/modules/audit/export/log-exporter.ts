import { Readable, Transform, pipeline } from 'node:stream';
import { Injectable, Logger, StreamableFile } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SqlSelection } from '../events/audit-events.repository';
import { CONTENT_TYPES, csvEncoder, ExportRecord, ndjsonEncoder, StreamedFormat } from './export-format';

export interface LogExport<Row> {
  /** names the file: `patchgate-<log>-<UTC timestamp>.<format>` */
  log: string;
  format: StreamedFormat;
  selection: SqlSelection;
  columns: string[];
  toRecord: (row: Row) => ExportRecord;
}

/** `20261122T034657Z`: sortable, and safe in a file name. */
export const fileTimestamp = (at: Date): string => at.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');

/**
 * Streams a whole selection through a server-side cursor (pg-query-stream, a batch of rows at a
 * time) into the reply: memory stays bounded whatever the log's size, and backpressure from a
 * slow client pauses the cursor. The connection goes back to the pool when the cursor closes,
 * also when the client goes away mid-export.
 */
@Injectable()
export class LogExporter {
  private readonly logger = new Logger(LogExporter.name);

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async export<Row>(spec: LogExport<Row>): Promise<StreamableFile> {
    const runner = this.dataSource.createQueryRunner();
    let source: Readable;
    try {
      source = (await runner.stream(spec.selection.sql, spec.selection.params)) as unknown as Readable;
    } catch (err) {
      await runner.release();
      throw err;
    }
    source.once('close', () => void runner.release());
    const toRecord = new Transform({
      objectMode: true,
      transform(row: Row, _encoding, callback) {
        callback(null, spec.toRecord(row));
      },
    });
    const encoders = spec.format === 'csv' ? csvEncoder(spec.columns) : ndjsonEncoder();
    const body = encoders[encoders.length - 1];
    pipeline([source, toRecord, ...encoders], (err) => {
      if (err && (err as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') {
        this.logger.error({ err, log: spec.log }, 'audit export failed midway');
      }
    });
    const filename = `patchgate-${spec.log}-${fileTimestamp(new Date())}.${spec.format}`;
    return new StreamableFile(body, { type: CONTENT_TYPES[spec.format], disposition: `attachment; filename="${filename}"` });
  }
}
