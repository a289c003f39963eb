// /livez, /readyz and /healthz in k8s.io/apiserver's format, so kubelet probes and humans read them
// the same way: `ok`, `?verbose` lists every check, failures are 500 with the reasons withheld,
// `?exclude=` skips checks and `/<endpoint>/<check>` runs one.
import type { ServerResponse } from 'node:http';

/** A named check: resolves with nothing when healthy, with the reason (never a secret) otherwise. */
export interface HealthCheck {
  name: string;
  check(): Promise<string | undefined> | string | undefined;
}

export interface HealthEndpoints {
  livez: readonly HealthCheck[];
  readyz: readonly HealthCheck[];
  healthz: readonly HealthCheck[];
}

export const pingCheck: HealthCheck = { name: 'ping', check: () => undefined };

function writeText(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
  res.end(body);
}

async function runCheck(check: HealthCheck): Promise<string | undefined> {
  try {
    return await check.check();
  } catch {
    return 'check threw';
  }
}

/** Answers a health path; false when `path` is not one. */
export async function serveHealth(endpoints: HealthEndpoints, path: string, query: URLSearchParams, res: ServerResponse): Promise<boolean> {
  const [, endpoint, single, ...rest] = path.split('/');
  if (endpoint !== 'livez' && endpoint !== 'readyz' && endpoint !== 'healthz') return false;
  const checks = endpoints[endpoint];
  if (rest.length > 0) return false;

  if (single) {
    const check = checks.find((c) => c.name === single);
    if (!check) return false;
    const reason = await runCheck(check);
    if (reason === undefined) writeText(res, 200, 'ok');
    else writeText(res, 500, `internal server error: ${reason}\n`);
    return true;
  }

  const excluded = new Set(query.getAll('exclude').flatMap((value) => value.split(',')).filter((v) => v !== ''));
  let output = '';
  let failed = false;
  for (const check of checks) {
    if (excluded.delete(check.name)) {
      output += `[+]${check.name} excluded: ok\n`;
      continue;
    }
    const reason = await runCheck(check);
    if (reason === undefined) {
      output += `[+]${check.name} ok\n`;
    } else {
      failed = true;
      // Public endpoint: the reason is only served on the per-check path.
      output += `[-]${check.name} failed: reason withheld\n`;
    }
  }
  if (excluded.size > 0) {
    output += `warn: some health checks cannot be excluded: no matches for ${[...excluded].map((n) => `"${n}"`).join(',')}\n`;
  }
  if (failed) writeText(res, 500, `${output}${endpoint} check failed\n`);
  else if (query.has('verbose')) writeText(res, 200, `${output}${endpoint} check passed\n`);
  else writeText(res, 200, 'ok');
  return true;
}
