// TLS material for the drivers' own connections, given either inline or as a file path.
import { readFileSync } from 'node:fs';

/**
 * PEM text is used as is; anything else is read as a file path. `what` names the setting in the
 * error (e.g. `etcd storage: tls.ca`); the value is echoed only because it is a path, never PEM.
 */
export function loadPem(value: string, what: string): Buffer {
  if (value.includes('-----BEGIN ')) return Buffer.from(value);
  try {
    return readFileSync(value);
  } catch (error) {
    throw new Error(`${what} is neither PEM text nor a readable file: ${value} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}
