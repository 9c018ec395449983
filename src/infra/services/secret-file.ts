import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { isErrnoException } from './errno-exception';

/**
 * Returns the secret stored in filePath, creating it (mode 0600) on first use, so a server
 * initialised with it keeps accepting it on later starts.
 */
export async function readOrCreateSecret(filePath: string): Promise<string> {
  try {
    const secret = (await fs.readFile(filePath, 'utf8')).trim();
    if (secret.length === 0) throw new Error(`${filePath} is empty; delete it together with the data it protects`);
    await fs.chmod(filePath, 0o600);
    return secret;
  } catch (error) {
    if (!isErrnoException(error) || error.code !== 'ENOENT') throw error;
  }
  // Hex keeps the secret safe inside URLs and config files without any quoting.
  const secret = randomBytes(24).toString('hex');
  try {
    await fs.writeFile(filePath, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another start created it first: theirs is the one the servers will be initialised with.
    if (isErrnoException(error) && error.code === 'EEXIST') return readOrCreateSecret(filePath);
    throw error;
  }
  return secret;
}
