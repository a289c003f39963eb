// CPU per write request through the in-process HTTPS server (test/integration/support/server.ts:
// memory storage, no admission hooks, an admin client certificate so no SubjectAccessReview),
// client and server in this one process over a keep-alive connection. A GET of the same object is
// measured too, as the floor that the HTTP layer and the client cost.
//
//   node test/integration/support/measure-write-path-http.ts [--samples=300] [--only=NAME]
//   node --cpu-prof --cpu-prof-dir=/tmp/prof test/integration/support/measure-write-path-http.ts --only=apply-existing
import https from 'node:https';
import { SERVICE_DNS_NAME, startTestServer, tenantControlPlane, type TestServer } from './server.ts';

const args = process.argv.slice(2);
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const samples = Number(args.find((a) => a.startsWith('--samples='))?.slice('--samples='.length) ?? 300);
const base = '/apis/tenancy.kamaji.io/v1alpha1/namespaces/bench/tenantcontrolplanes';

function client(server: TestServer) {
  const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
  return (method: string, path: string, body?: unknown, contentType = 'application/json') =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      const req = https.request(
        {
          host: '127.0.0.1',
          port: server.port,
          path,
          method,
          agent,
          ca: server.pki.servingCA.certificate,
          servername: SERVICE_DNS_NAME,
          cert: server.pki.admin.certificate,
          key: server.pki.admin.privateKey,
          headers: text === undefined ? {} : { 'Content-Type': contentType, 'Content-Length': String(Buffer.byteLength(text)) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        },
      );
      req.on('error', reject);
      req.end(text);
    });
}

type Call = ReturnType<typeof client>;

interface Operation {
  name: string;
  prepare?: (i: number) => Promise<void>;
  run: (i: number) => Promise<{ status: number; body: string }>;
}

function operations(call: Call): Operation[] {
  const fetched = new Map<number, Record<string, any>>();
  const create = async (name: string, finalizers: string[] = []) => {
    const object = tenantControlPlane(name, 'bench') as Record<string, any>;
    if (finalizers.length) object.metadata.finalizers = finalizers;
    const response = await call('POST', base, object);
    if (response.status !== 201) throw new Error(`create ${name}: ${response.status} ${response.body}`);
    return JSON.parse(response.body) as Record<string, any>;
  };
  const apply = (name: string, labels: Record<string, string> = {}) => {
    const object = tenantControlPlane(name, 'bench') as Record<string, any>;
    object.metadata.labels = { ...object.metadata.labels, ...labels };
    return call('PATCH', `${base}/${name}?fieldManager=kubectl&force=true`, object, 'application/apply-patch+yaml');
  };
  return [
    { name: 'get', prepare: (i) => create(`g-${i}`).then(() => undefined), run: (i) => call('GET', `${base}/g-${i}`) },
    { name: 'create', run: (i) => call('POST', base, tenantControlPlane(`c-${i}`, 'bench')) },
    {
      name: 'update (PUT)',
      prepare: async (i) => void fetched.set(i, await create(`u-${i}`)),
      run: (i) => {
        const object = fetched.get(i)!;
        object.metadata.labels = { ...object.metadata.labels, updated: 'yes' };
        return call('PUT', `${base}/u-${i}`, object);
      },
    },
    {
      name: 'merge patch',
      prepare: (i) => create(`m-${i}`).then(() => undefined),
      run: (i) => call('PATCH', `${base}/m-${i}`, { metadata: { labels: { patched: 'yes' } } }, 'application/merge-patch+json'),
    },
    { name: 'apply (creates)', run: (i) => apply(`a-${i}`) },
    { name: 'apply-existing', prepare: (i) => apply(`e-${i}`).then(() => undefined), run: (i) => apply(`e-${i}`, { applied: 'again' }) },
    { name: 'delete', prepare: (i) => create(`d-${i}`).then(() => undefined), run: (i) => call('DELETE', `${base}/d-${i}`) },
    {
      name: 'delete with finalizer (marks)',
      prepare: (i) => create(`f-${i}`, ['example.com/hold']).then(() => undefined),
      run: (i) => call('DELETE', `${base}/f-${i}`),
    },
  ];
}

const server = await startTestServer();
const call = client(server);
console.log(`in-process HTTPS server, memory storage, ${samples} samples per operation (CPU of client and server together)`);
console.log(['operation', 'CPU ms', 'wall ms'].join('\t'));
for (const operation of operations(call)) {
  if (only && operation.name !== only) continue;
  for (let i = 0; i < 20; i++) {
    await operation.prepare?.(-1 - i);
    await operation.run(-1 - i);
  }
  let cpu = 0;
  let wall = 0;
  for (let i = 0; i < samples; i++) {
    await operation.prepare?.(i);
    const start = process.cpuUsage();
    const started = performance.now();
    const response = await operation.run(i);
    wall += performance.now() - started;
    const used = process.cpuUsage(start);
    cpu += (used.user + used.system) / 1000;
    if (response.status >= 300) throw new Error(`${operation.name}: ${response.status} ${response.body}`);
  }
  console.log([operation.name, (cpu / samples).toFixed(3), (wall / samples).toFixed(3)].join('\t'));
}
await server.close();
process.exit(0);
