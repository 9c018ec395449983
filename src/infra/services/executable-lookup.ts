import { constants, promises as fs } from 'node:fs';
import path from 'node:path';

/** Finds an executable file by name on PATH, then in extraDirs; undefined when it is nowhere. */
export async function findExecutable(name: string, extraDirs: readonly string[] = []): Promise<string | undefined> {
  const pathDirs = (process.env.PATH ?? '').split(path.delimiter).filter((dir) => dir.length > 0);
  for (const dir of [...pathDirs, ...extraDirs]) {
    const candidate = path.join(dir, name);
    if (await isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

export async function isExecutableFile(file: string): Promise<boolean> {
  try {
    await fs.access(file, constants.X_OK);
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}
