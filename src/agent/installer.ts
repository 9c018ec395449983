import { spawn } from 'node:child_process';

export interface CommandResult {
  ok: boolean;
  exitCode: number | null;
  /** the command as run, or what a dry run would have run */
  command: string;
  dryRun: boolean;
  output: string;
}

export interface CommandValues {
  file?: string;
  updateId: string;
  revision: number;
  kb: string[];
}

const OUTPUT_LIMIT = 4000;

/** Quotes one value for /bin/sh, so a path with spaces or quotes stays one argument. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The template with {file}, {updateId}, {revision} and {kb} replaced by shell-quoted values, in one
 * pass over the template: a value that itself contains `{kb}` (a file name chosen upstream) is
 * never searched again, so it cannot have another value spliced into its quotes.
 */
export function renderCommand(template: string, values: CommandValues): string {
  const replacements: Record<string, string> = {
    file: values.file ?? '',
    updateId: values.updateId,
    revision: String(values.revision),
    kb: values.kb.join(','),
  };
  return template.replace(/\{(file|updateId|revision|kb)\}/g, (_match, name: string) => shellQuote(replacements[name]));
}

/**
 * Runs an install or uninstall command through /bin/sh -c. Without a template it is a dry run: it
 * says what it would have done and counts as success, so the loop can be tried safely.
 */
export async function runCommand(template: string | undefined, values: CommandValues): Promise<CommandResult> {
  if (!template) {
    return { ok: true, exitCode: 0, command: `(dry run) ${values.file ?? values.updateId}`, dryRun: true, output: '' };
  }
  const command = renderCommand(template, values);
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', command], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PATCHGATE_FILE: values.file ?? '', PATCHGATE_UPDATE_ID: values.updateId, PATCHGATE_REVISION: String(values.revision) },
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      if (output.length < OUTPUT_LIMIT) output += chunk.toString('utf8');
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (error) => resolve({ ok: false, exitCode: null, command, dryRun: false, output: error.message }));
    child.on('close', (code, signal) =>
      resolve({ ok: code === 0, exitCode: code, command, dryRun: false, output: signal ? `${output}killed by ${signal}` : output.slice(0, OUTPUT_LIMIT) }),
    );
  });
}
