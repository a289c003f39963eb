// TenantControlPlanes become working control planes in the real management cluster, on each
// DataStore driver: Ready, a kubeconfig that works with kubectl, data under the tenant's own schema
// or prefix and out of other tenants' reach, `kubeadm join --dry-run` passing discovery, RBAC on the
// kubeconfig subresource, cleanup on delete, DataStores in use kept, no duplicates after the
// Kamaji-TS pods are killed mid-reconcile, and conditions that say what is wrong with a bad spec.
//
// The tenant API servers are exposed as NodePort Services on the node's address, so this host (and
// kubeadm running on it) reaches them the way a worker would.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Etcd3 } from 'etcd3';
import { createConnection } from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { BIN_DIR } from './support/cluster.ts';
import {
  KAMAJI_ETCD,
  NODE_IP,
  kubectl,
  kubernetesVersion,
  localTenantControlPlane,
  newNamespace,
  sqlDataStore,
  startMariaDB,
  startPostgres,
  type Datastore,
  type SqlCredentials,
  type TestNamespace,
} from './support/index.ts';

const run = promisify(execFile);
const KUBEADM = join(BIN_DIR, 'kubeadm');
const READY_TIMEOUT = '300s';

type Driver = 'etcd' | 'PostgreSQL' | 'MySQL';

/** The tenant's DataStore credentials, as its pods get them from the generated Secrets. */
type TenantCredentials = { schema: string; user: string; password: string; certificate?: string; key?: string; ca?: string };

/** The DataStore under test and how to look into it as its administrator. */
interface DataStoreUnderTest {
  driver: Driver;
  name: string;
  /** Names the tenant stored (etcd keys, kine rows) that contain `fragment`, read as administrator. */
  storedNames(schema: string, fragment: string): Promise<string[]>;
  /** Whether `credentials` can read what is stored under `schema`. */
  canRead(credentials: TenantCredentials, schema: string): Promise<boolean>;
  /** Whether the tenant's schema (database or prefix with keys) and user still exist. */
  tenantLeftovers(schema: string, user: string): Promise<{ schema: boolean; user: boolean }>;
  close(): Promise<void>;
}

// ------------------------------------------------------------------------------------- helpers

async function apply(manifest: object): Promise<void> {
  await kubectl(['apply', '-f', '-'], { input: stringify(manifest) });
}

function tenantControlPlane(namespace: string, name: string, dataStore: string, port: number, version = kubernetesVersion()) {
  return localTenantControlPlane({ namespace, name, dataStore, nodePort: port, version });
}

async function waitReady(namespace: string, name: string): Promise<void> {
  await kubectl(['-n', namespace, 'wait', '--for=condition=Ready', `tcp/${name}`, `--timeout=${READY_TIMEOUT}`], { timeoutMs: 320_000 });
}

async function waitReason(namespace: string, name: string, reason: string): Promise<{ reason: string; message: string }> {
  await kubectl(
    ['-n', namespace, 'wait', `--for=jsonpath={.status.conditions[?(@.type=="Ready")].reason}=${reason}`, `tcp/${name}`, '--timeout=240s'],
    { timeoutMs: 260_000 },
  ).catch(async (error: unknown) => {
    const { stdout } = await kubectl(['-n', namespace, 'get', 'tcp', name, '-o', 'jsonpath={.status.conditions}']);
    throw new Error(`${(error as Error).message}\nconditions: ${stdout}`);
  });
  return readyCondition(namespace, name);
}

async function readyCondition(namespace: string, name: string): Promise<{ reason: string; message: string; status: string }> {
  const { stdout } = await kubectl(['-n', namespace, 'get', 'tcp', name, '-o', 'json']);
  const tcp = JSON.parse(stdout) as { status?: { conditions?: { type: string; reason: string; message: string; status: string }[] } };
  const condition = tcp.status?.conditions?.find((c) => c.type === 'Ready');
  if (!condition) throw new Error(`tcp ${namespace}/${name} has no Ready condition`);
  return condition;
}

async function secretData(namespace: string, name: string): Promise<Record<string, string>> {
  const { stdout } = await kubectl(['-n', namespace, 'get', 'secret', name, '-o', 'json']);
  const secret = JSON.parse(stdout) as { data?: Record<string, string> };
  return Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));
}

async function tenantCredentials(namespace: string, tcp: string): Promise<TenantCredentials> {
  const config = await secretData(namespace, `${tcp}-datastore-config`);
  const certificate = await secretData(namespace, `${tcp}-datastore-certificate`);
  return {
    schema: config.DB_SCHEMA ?? '',
    user: config.DB_USER ?? '',
    password: config.DB_PASSWORD ?? '',
    ...(certificate['server.crt'] ? { certificate: certificate['server.crt'], key: certificate['server.key'], ca: certificate['ca.crt'] } : {}),
  };
}

async function tenantSpec(namespace: string, name: string): Promise<{ schema: string; user: string }> {
  const { stdout } = await kubectl(['-n', namespace, 'get', 'tcp', name, '-o', 'json']);
  const tcp = JSON.parse(stdout) as { spec: { dataStoreSchema: string; dataStoreUsername: string } };
  return { schema: tcp.spec.dataStoreSchema, user: tcp.spec.dataStoreUsername };
}

/** `kubectl get tcp --subresource kubeconfig` into a file, as a tenant admin would. */
async function tenantKubeconfig(namespace: string, name: string, dir: string): Promise<string> {
  const { stdout } = await kubectl(['-n', namespace, 'get', 'tcp', name, '--subresource', 'kubeconfig', '-o', 'yaml']);
  const file = join(dir, `${namespace}-${name}.kubeconfig`);
  writeFileSync(file, stdout, { mode: 0o600 });
  return file;
}

async function tenantKubectl(kubeconfig: string, args: string[], input?: string): Promise<string> {
  const { stdout } = await kubectl(['--kubeconfig', kubeconfig, ...args], input === undefined ? {} : { input });
  return stdout;
}

/** Ports in the NodePort range, one per tenant control plane of this file. */
let nextPort = 30000 + Math.floor(Math.random() * 2000);
const nodePort = () => nextPort++;

// ---------------------------------------------------------------------------- datastores

function etcdUnderTest(): DataStoreUnderTest {
  const admin = new Etcd3({
    hosts: KAMAJI_ETCD.endpoint,
    credentials: {
      rootCertificate: readFileSync(KAMAJI_ETCD.caFile),
      certChain: readFileSync(KAMAJI_ETCD.certFile),
      privateKey: readFileSync(KAMAJI_ETCD.keyFile),
    },
  });
  return {
    driver: 'etcd',
    name: 'default',
    storedNames: async (schema, fragment) => (await admin.getAll().prefix(`/${schema}/`).keys()).filter((k) => k.includes(fragment)),
    async canRead(credentials, schema) {
      const tenant = new Etcd3({
        hosts: KAMAJI_ETCD.endpoint,
        credentials: {
          rootCertificate: Buffer.from(credentials.ca ?? ''),
          certChain: Buffer.from(credentials.certificate ?? ''),
          privateKey: Buffer.from(credentials.key ?? ''),
        },
      });
      try {
        await tenant.getAll().prefix(`/${schema}/`).keys();
        return true;
      } catch (error) {
        if (/permission denied/i.test(String(error))) return false;
        throw error;
      } finally {
        tenant.close();
      }
    },
    async tenantLeftovers(schema, user) {
      const keys = await admin.getAll().prefix(`/${schema}/`).count();
      const users = (await admin.getUsers()).map((u) => u.name);
      return { schema: keys > 0, user: users.includes(user) };
    },
    close: async () => admin.close(),
  };
}

async function createSqlDataStore(driver: 'PostgreSQL' | 'MySQL', name: string, server: Datastore<SqlCredentials>): Promise<void> {
  await apply(sqlDataStore(name, driver, server));
}

function postgresUnderTest(name: string, server: Datastore<SqlCredentials>): DataStoreUnderTest {
  const connect = async (user: string, password: string, database: string) => {
    const client = new pg.Client({ host: server.host, port: server.port, user, password, database });
    await client.connect();
    return client;
  };
  const asAdmin = (database = server.credentials.database) => connect(server.credentials.user, server.credentials.password, database);
  return {
    driver: 'PostgreSQL',
    name,
    async storedNames(schema, fragment) {
      const client = await asAdmin(schema);
      try {
        const { rows } = await client.query<{ name: string }>('SELECT DISTINCT name FROM kine WHERE name LIKE $1', [`%${fragment}%`]);
        return rows.map((r) => r.name);
      } finally {
        await client.end();
      }
    },
    async canRead(credentials, schema) {
      try {
        const client = await connect(credentials.user, credentials.password, schema);
        try {
          await client.query('SELECT count(*) FROM kine');
          return true;
        } finally {
          await client.end();
        }
      } catch (error) {
        if (/permission denied|not permitted|password authentication failed/i.test(String(error))) return false;
        throw error;
      }
    },
    async tenantLeftovers(schema, user) {
      const client = await asAdmin();
      try {
        const databases = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [schema]);
        const roles = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [user]);
        return { schema: (databases.rowCount ?? 0) > 0, user: (roles.rowCount ?? 0) > 0 };
      } finally {
        await client.end();
      }
    },
    close: () => server.stop(),
  };
}

function mysqlUnderTest(name: string, server: Datastore<SqlCredentials>): DataStoreUnderTest {
  const connect = (user: string, password: string, database?: string) =>
    createConnection({ host: server.host, port: server.port, user, password, ...(database ? { database } : {}) });
  const asAdmin = () => connect(server.credentials.user, server.credentials.password);
  return {
    driver: 'MySQL',
    name,
    async storedNames(schema, fragment) {
      const connection = await asAdmin();
      try {
        const [rows] = await connection.query(`SELECT DISTINCT name FROM \`${schema}\`.kine WHERE name LIKE ?`, [`%${fragment}%`]);
        return (rows as { name: string }[]).map((r) => r.name);
      } finally {
        await connection.end();
      }
    },
    async canRead(credentials, schema) {
      try {
        const connection = await connect(credentials.user, credentials.password);
        try {
          await connection.query(`SELECT count(*) FROM \`${schema}\`.kine`);
          return true;
        } finally {
          await connection.end();
        }
      } catch (error) {
        if (/denied/i.test(String(error))) return false;
        throw error;
      }
    },
    async tenantLeftovers(schema, user) {
      const connection = await asAdmin();
      try {
        const [databases] = await connection.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = ?', [schema]);
        const [users] = await connection.query('SELECT 1 FROM mysql.user WHERE user = ?', [user]);
        return { schema: (databases as unknown[]).length > 0, user: (users as unknown[]).length > 0 };
      } finally {
        await connection.end();
      }
    },
    close: () => server.stop(),
  };
}

// ------------------------------------------------------------------------- the scenarios

const drivers: { driver: Driver; start: () => Promise<DataStoreUnderTest> }[] = [
  {
    driver: 'etcd',
    // The DataStore `default` that cluster-up creates for the Kamaji etcd (client-certificate auth).
    start: async () => {
      await kubectl(['get', 'datastore', 'default']);
      return etcdUnderTest();
    },
  },
  {
    driver: 'PostgreSQL',
    start: async () => {
      const server = await startPostgres();
      const name = `e2e-postgres-${server.port}`;
      await createSqlDataStore('PostgreSQL', name, server);
      return postgresUnderTest(name, server);
    },
  },
  {
    driver: 'MySQL',
    start: async () => {
      const server = await startMariaDB();
      const name = `e2e-mysql-${server.port}`;
      await createSqlDataStore('MySQL', name, server);
      return mysqlUnderTest(name, server);
    },
  },
];

describe.each(drivers)('TenantControlPlane on $driver', ({ driver, start }) => {
  let store: DataStoreUnderTest;
  let namespace: TestNamespace;
  let dir: string;
  let kubeconfig: string;
  const [mine, other] = ['mine', 'other'];

  beforeAll(async () => {
    store = await start();
    await kubectl(['wait', '--for=jsonpath={.status.ready}=true', `datastore/${store.name}`, '--timeout=120s'], { timeoutMs: 140_000 });
    namespace = await newNamespace(`e2e-tcp-${driver.toLowerCase()}`);
    dir = mkdtempSync(join(tmpdir(), 'e2e-tcp-'));
    await apply(tenantControlPlane(namespace.name, mine, store.name, nodePort()));
    await apply(tenantControlPlane(namespace.name, other, store.name, nodePort()));
  });

  afterAll(async () => {
    await kubectl(['-n', namespace.name, 'delete', 'tcp', '--all', '--wait=true', '--timeout=180s'], { timeoutMs: 200_000 }).catch(() => {});
    await namespace?.delete();
    if (store && store.name !== 'default') await kubectl(['delete', 'datastore', store.name, '--ignore-not-found', '--wait=false']).catch(() => {});
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reaches Ready with one replica, and reports its endpoint, version and DataStore', async () => {
    await waitReady(namespace.name, mine);
    const { stdout } = await kubectl(['-n', namespace.name, 'get', 'tcp', mine, '-o', 'json']);
    const tcp = JSON.parse(stdout) as {
      metadata: { generation: number; finalizers?: string[] };
      spec: { networkProfile: { port: number } };
      status: {
        observedGeneration: number;
        controlPlaneEndpoint: string;
        kubernetesResources: { version: { status: string; version: string }; deployment: { readyReplicas: number } };
        storage: { driver: string; dataStoreName: string };
        kubeconfig: { admin: { secretName: string } };
      };
    };
    expect(tcp.status.kubernetesResources.version).toEqual({ status: 'Ready', version: kubernetesVersion() });
    expect(tcp.status.kubernetesResources.deployment.readyReplicas).toBe(1);
    expect(tcp.status.controlPlaneEndpoint).toBe(`${NODE_IP}:${tcp.spec.networkProfile.port}`);
    expect(tcp.status.storage).toMatchObject({ driver, dataStoreName: store.name });
    expect(tcp.status.kubeconfig.admin.secretName).toBe(`${mine}-admin-kubeconfig`);
    expect(tcp.status.observedGeneration).toBe(tcp.metadata.generation);
    expect(tcp.metadata.finalizers).toContain('finalizer.kamaji.clastix.io');
  });

  it('gives a kubeconfig that works with kubectl against the tenant', async () => {
    await waitReady(namespace.name, mine);
    kubeconfig = await tenantKubeconfig(namespace.name, mine, dir);
    const namespaces = await tenantKubectl(kubeconfig, ['get', 'namespaces', '-o', 'name']);
    expect(namespaces.split('\n')).toEqual(expect.arrayContaining(['namespace/default', 'namespace/kube-system', 'namespace/kube-public']));
    await tenantKubectl(kubeconfig, ['create', 'configmap', 'e2e-probe', '--from-literal=driver=' + driver]);
    expect(await tenantKubectl(kubeconfig, ['get', 'configmap', 'e2e-probe', '-o', 'jsonpath={.data.driver}'])).toBe(driver);
  });

  it("keeps the tenant's data under its own schema or prefix", async () => {
    await waitReady(namespace.name, mine);
    await waitReady(namespace.name, other);
    const own = await tenantSpec(namespace.name, mine);
    const theirs = await tenantSpec(namespace.name, other);
    expect(own.schema).not.toBe(theirs.schema);
    // Written by the kubeconfig test through the tenant API.
    expect(await store.storedNames(own.schema, 'configmaps/default/e2e-probe')).toHaveLength(1);
    expect(await store.storedNames(theirs.schema, 'configmaps/default/e2e-probe')).toHaveLength(0);
    expect(await store.storedNames(own.schema, 'namespaces/kube-system')).toHaveLength(1);
  });

  it("gives each tenant credentials that cannot read another tenant's data", async () => {
    await waitReady(namespace.name, mine);
    await waitReady(namespace.name, other);
    const own = await tenantSpec(namespace.name, mine);
    const theirs = await tenantSpec(namespace.name, other);
    const credentials = await tenantCredentials(namespace.name, mine);
    expect(credentials).toMatchObject({ schema: own.schema, user: own.user });
    expect(await store.canRead(credentials, own.schema)).toBe(true);
    expect(await store.canRead(credentials, theirs.schema)).toBe(false);
  });

  it('hands out a kubeadm join command that passes discovery against the tenant (--dry-run)', async () => {
    await waitReady(namespace.name, mine);
    const { stdout } = await kubectl(
      ['create', '--raw', `/apis/tenancy.kamaji.io/v1alpha1/namespaces/${namespace.name}/tenantcontrolplanes/${mine}/join`, '-f', '-'],
      { input: '{}' },
    );
    const join = JSON.parse(stdout) as { joinCommand?: string; token?: string };
    const command = join.joinCommand ?? '';
    expect(command).toMatch(/^kubeadm join \S+ --token \S+ --discovery-token-ca-cert-hash sha256:[0-9a-f]{64}/);
    // Discovery needs the tenant's bootstrapsigner (its kube-controller-manager) to have signed
    // cluster-info for this token; on a loaded machine that can take a while after the token exists.
    const tokenId = (join.token ?? '').split('.')[0];
    const signer = await tenantKubeconfig(namespace.name, mine, dir);
    const deadline = Date.now() + 240_000;
    for (;;) {
      const signatures = await tenantKubectl(signer, ['-n', 'kube-public', 'get', 'configmap', 'cluster-info', '-o', 'jsonpath={.data}']);
      if (signatures.includes(`jws-kubeconfig-${tokenId}`)) break;
      if (Date.now() > deadline) throw new Error(`cluster-info was never signed for token ${tokenId}: ${signatures}`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    const args = command.split(/\s+/).slice(1);
    const { stdout: output } = await run(KUBEADM, [...args, '--dry-run', '--ignore-preflight-errors=all', '--node-name', `e2e-${driver.toLowerCase()}`], {
      timeout: 180_000,
    });
    expect(output).toMatch(/dry-run|dry run/i);
  });

  it('refuses the kubeconfig to a user who is admin in another namespace only', async () => {
    const elsewhere = await newNamespace('e2e-tcp-elsewhere');
    await kubectl(['-n', elsewhere.name, 'create', 'serviceaccount', 'alice']);
    await kubectl(['-n', elsewhere.name, 'create', 'rolebinding', 'alice-admin', '--clusterrole=admin', `--serviceaccount=${elsewhere.name}:alice`]);
    const alice = `--as=system:serviceaccount:${elsewhere.name}:alice`;
    await kubectl(['-n', elsewhere.name, 'get', 'tcp', alice]);
    const refused = await kubectl(['-n', namespace.name, 'get', 'tcp', mine, '--subresource', 'kubeconfig', alice]).then(
      () => undefined,
      (error: Error) => error.message,
    );
    expect(refused).toMatch(/forbidden/i);
    expect(refused).toContain('tenantcontrolplanes/kubeconfig');
  });

  it('refuses to delete a DataStore in use, naming the tenant control planes that use it', async () => {
    await waitReady(namespace.name, mine);
    const refused = await kubectl(['delete', 'datastore', store.name, '--dry-run=server']).then(
      () => undefined,
      (error: Error) => error.message,
    );
    expect(refused).toBeDefined();
    expect(refused).toContain(`${namespace.name}/${mine}`);
  });

  it("removes the tenant's datastore user and data when the tcp is deleted", async () => {
    await waitReady(namespace.name, other);
    const { schema, user } = await tenantSpec(namespace.name, other);
    expect(await store.tenantLeftovers(schema, user)).toEqual({ schema: true, user: true });
    await kubectl(['-n', namespace.name, 'delete', 'tcp', other, '--wait=true', '--timeout=180s'], { timeoutMs: 200_000 });
    expect(await store.tenantLeftovers(schema, user)).toEqual({ schema: false, user: false });
    await expect
      .poll(async () => (await kubectl(['-n', namespace.name, 'get', 'deploy,svc,secret', '-l', `kamaji.clastix.io/name=${other}`, '-o', 'name'])).stdout.trim(), {
        timeout: 120_000,
        interval: 2_000,
      })
      .toBe('');
  });
});

describe('TenantControlPlane controller resilience and bad specs (etcd)', () => {
  let namespace: TestNamespace;

  beforeAll(async () => {
    await kubectl(['get', 'datastore', 'default']);
    namespace = await newNamespace('e2e-tcp-misc');
  });

  afterAll(async () => {
    await kubectl(['-n', namespace.name, 'delete', 'tcp', '--all', '--wait=true', '--timeout=180s'], { timeoutMs: 200_000 }).catch(() => {});
    await namespace?.delete();
  });

  it('ends with the same objects, none duplicated, when the Kamaji-TS pods are killed mid-reconcile', async () => {
    const name = 'survivor';
    await apply(tenantControlPlane(namespace.name, name, 'default', nodePort()));
    // The controllers are creating Secrets and the Deployment right now: kill every replica.
    await kubectl(['-n', 'kamaji-system', 'delete', 'pod', '-l', 'app.kubernetes.io/name=tenancy-apiserver', '--wait=false']);
    await kubectl(['-n', 'kamaji-system', 'rollout', 'status', 'deployment/tenancy-apiserver', '--timeout=300s'], { timeoutMs: 320_000 });
    await waitReady(namespace.name, name);

    const owned = async (kind: string) => {
      const { stdout } = await kubectl(['-n', namespace.name, 'get', kind, '-l', `kamaji.clastix.io/name=${name}`, '-o', 'json']);
      return (JSON.parse(stdout) as { items: { metadata: { name: string; ownerReferences?: { kind: string; name: string }[] } }[] }).items;
    };
    const deployments = await owned('deployments');
    const services = await owned('services');
    const secrets = await owned('secrets');
    expect(deployments.map((d) => d.metadata.name)).toEqual([name]);
    expect(services.map((s) => s.metadata.name)).toEqual([name]);
    expect(secrets.map((s) => s.metadata.name).sort()).toEqual(
      [
        'admin-kubeconfig',
        'api-server-certificate',
        'api-server-kubelet-client-certificate',
        'ca',
        'controller-manager-kubeconfig',
        'datastore-certificate',
        'datastore-config',
        'front-proxy-ca-certificate',
        'front-proxy-client-certificate',
        'sa-certificate',
        'scheduler-kubeconfig',
      ].map((suffix) => `${name}-${suffix}`),
    );
    for (const object of [...deployments, ...services, ...secrets]) {
      expect(object.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'TenantControlPlane', name })]);
    }
    const { stdout } = await kubectl(['-n', namespace.name, 'get', 'pods', '-l', `kamaji.clastix.io/name=${name}`, '-o', 'name']);
    expect(stdout.trim().split('\n')).toHaveLength(1);
  });

  it('refuses a DataStore that does not exist when the tcp is applied, naming the field', async () => {
    // Refused at admission (422), as Kamaji's webhook does, rather than stored and left NotReady:
    // the person applying learns at once. (The controller's DataStoreNotFound condition remains for
    // a DataStore that vanishes later, which deletion protection makes rare.)
    const refused = await kubectl(['apply', '-f', '-'], { input: stringify(tenantControlPlane(namespace.name, 'lost', 'no-such-datastore', nodePort())) }).then(
      () => undefined,
      (error: Error) => error.message,
    );
    expect(refused).toMatch(/spec\.dataStore/);
    expect(refused).toContain('no-such-datastore');
  });

  it('says when its DataStore cannot be reached', async () => {
    const name = `e2e-unreachable-${namespace.name}`;
    const b64 = (value: string) => Buffer.from(value).toString('base64');
    await apply({
      apiVersion: 'tenancy.kamaji.io/v1alpha1',
      kind: 'DataStore',
      metadata: { name },
      spec: { driver: 'PostgreSQL', endpoints: ['127.0.0.1:1'], basicAuth: { username: { content: b64('x') }, password: { content: b64('y') } } },
    });
    try {
      await apply(tenantControlPlane(namespace.name, 'stranded', name, nodePort()));
      const condition = await waitReason(namespace.name, 'stranded', 'DataStoreNotReady');
      expect(condition.message).toContain(`"${name}"`);
      expect(condition.message).toMatch(/Unreachable/);
    } finally {
      await kubectl(['-n', namespace.name, 'delete', 'tcp', 'stranded', '--wait=true', '--timeout=120s']).catch(() => {});
      await kubectl(['delete', 'datastore', name, '--ignore-not-found', '--wait=false']).catch(() => {});
    }
  });

  it('names an image that does not exist', async () => {
    // A supported version whose images the local cluster does not have (it builds only the pinned one).
    const [major, minor, patch] = kubernetesVersion().slice(1).split('.');
    const missing = `v${major}.${minor}.${patch === '0' ? 1 : 0}`;
    await apply(tenantControlPlane(namespace.name, 'imageless', 'default', nodePort(), missing));
    const condition = await waitReason(namespace.name, 'imageless', 'ImageNotFound');
    expect(condition.message).toContain(`registry.k8s.io/kube-apiserver:${missing}`);
  });
});

