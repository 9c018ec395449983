import type { Readable } from 'node:stream';

/**
 * Keeps only the last lines a child process printed: enough to explain a failed start
 * without echoing every server log line to the console.
 */
export class OutputTail {
  private readonly lines: string[] = [];
  private readonly partials = new Map<Readable, string>();

  constructor(private readonly maxLines = 50) {}

  /** Collects a stream's lines; each stream keeps its own unfinished line so stdout and stderr don't mix mid-line. */
  attach(stream: Readable | null): void {
    if (!stream) return;
    stream.setEncoding('utf8'); // a StringDecoder, so multi-byte characters split across chunks survive
    stream.on('data', (chunk: string) => {
      const parts = ((this.partials.get(stream) ?? '') + chunk).split(/\r?\n/);
      let rest = parts.pop() ?? '';
      // A line that never ends must not grow without bound.
      if (rest.length > 4096) {
        parts.push(rest);
        rest = '';
      }
      this.partials.set(stream, rest);
      for (const line of parts) this.push(line);
    });
  }

  text(): string {
    const unfinished = [...this.partials.values()].filter((line) => line.length > 0);
    return [...this.lines, ...unfinished].slice(-this.maxLines).join('\n');
  }

  private push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.maxLines) this.lines.shift();
  }
}
