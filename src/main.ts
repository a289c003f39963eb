// Kamaji-TS: the tenancy.kamaji.io aggregated API server. The only place that knows every layer:
// it reads the flags, opens the storage driver, builds the registry and serves it over HTTPS.
import { readFileSync } from 'node:fs';
import type { Server } from 'node:https';
import { parseArgs } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import pino, { type Logger } from 'pino';
import { hostname } from 'node:os';
import { buildOpenAPIV2, buildOpenAPIV3 } from './apis/openapi/index.ts';
import {
  fixedAuthenticationConfig,
  watchAuthenticationConfigMap,
  type AuthenticationConfigSource,
} from './apiserver/authentication-config-source.ts';
import { parseCertificateBundle, trustedClientCAs, type AuthenticationConfig } from './apiserver/authentication-config.ts';
import { createHttpsServer, updateTls, type TlsMaterial } from './apiserver/https-server.ts';
import { kubernetesSubjectAccessReviewer, kubernetesTokenReviewer } from './apiserver/kubernetes-reviews.ts';
import { ApiServerMetrics } from './apiserver/metrics.ts';
import { ApiServer } from './apiserver/server.ts';
import { versionInfo } from './apiserver/version.ts';
import { startControllers } from './controllers/index.ts';
import { makeKubeClient } from './controllers/runtime/kube-client.ts';
import { createCertificateAuthority, issueCertificate } from './pki/index.ts';
import { createStorage, instrumentStorage, type Storage, type StorageConfig } from './storage/index.ts';
import { createTenancyRegistry } from './tenancy-registry.ts';

const FLAGS = {
  'secure-port': { type: 'string', default: '8443' },
  'bind-address': { type: 'string', default: '0.0.0.0' },
  'tls-cert-file': { type: 'string' },
  'tls-private-key-file': { type: 'string' },
  storage: { type: 'string', default: 'etcd' },
  'etcd-endpoints': { type: 'string' },
  'etcd-prefix': { type: 'string', default: '/kamaji-ts/' },
  'etcd-cafile': { type: 'string' },
  'etcd-certfile': { type: 'string' },
  'etcd-keyfile': { type: 'string' },
  // PostgreSQL and MySQL: the URL names the database; its password may come from a file instead of argv.
  'storage-url': { type: 'string' },
  'storage-url-file': { type: 'string' },
  'storage-pool-size': { type: 'string', default: '10' },
  'storage-ca-file': { type: 'string' },
  'storage-cert-file': { type: 'string' },
  'storage-key-file': { type: 'string' },
  'storage-compaction-interval': { type: 'string', default: '5m' },
  'storage-compaction-retain': { type: 'string', default: '1000' },
  'storage-poll-interval': { type: 'string', default: '25ms' },
  'default-datastore': { type: 'string' },
  kubeconfig: { type: 'string' },
  'authentication-skip-lookup': { type: 'boolean', default: false },
  'client-ca-file': { type: 'string' },
  'requestheader-client-ca-file': { type: 'string' },
  'requestheader-allowed-names': { type: 'string', default: '' },
  'shutdown-delay': { type: 'string', default: '10s' },
  // Controllers: every replica runs them, only the Lease holder acts.
  controllers: { type: 'boolean', default: true },
  'leader-elect': { type: 'string', default: 'true' },
  'controller-namespace': { type: 'string' },
  'max-concurrent-reconciles': { type: 'string', default: '4' },
  'kine-image': { type: 'string' },
  // How controllers and the join subresource reach tenant API servers: through the Service's DNS
  // name (inside the management cluster) or the control plane endpoint (a server running outside).
  'tenant-access': { type: 'string', default: 'service' },
  'log-level': { type: 'string', default: 'info' },
} as const;

export type Flags = ReturnType<typeof parseFlags>;

/** `15s`, `2m`, `500ms` or plain seconds. */
export function parseDurationSeconds(flag: string, value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value.trim());
  if (!match) throw new Error(`--${flag}: "${value}" is not a duration such as 10s, 2m or 500ms`);
  const amount = Number(match[1]);
  return match[2] === 'ms' ? amount / 1000 : match[2] === 'm' ? amount * 60 : amount;
}

export function parseFlags(argv: string[]) {
  const { values } = parseArgs({ args: argv, options: FLAGS, strict: true, allowPositionals: false });
  const port = Number(values['secure-port']);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--secure-port: "${values['secure-port']}" is not a port`);
  if (Boolean(values['tls-cert-file']) !== Boolean(values['tls-private-key-file'])) {
    throw new Error('--tls-cert-file and --tls-private-key-file go together');
  }
  if (values['tenant-access'] !== 'service' && values['tenant-access'] !== 'endpoint') {
    throw new Error(`--tenant-access: "${values['tenant-access']}" is not supported: use service or endpoint`);
  }
  if (values['leader-elect'] !== 'true' && values['leader-elect'] !== 'false') throw new Error(`--leader-elect: "${values['leader-elect']}" must be true or false`);
  return {
    ...values,
    port,
    shutdownDelaySeconds: parseDurationSeconds('shutdown-delay', values['shutdown-delay']),
    storageConfig: storageConfigOf(values),
    tenantAccess: values['tenant-access'] as 'service' | 'endpoint',
    maxConcurrentReconciles: positiveIntegerFlag('max-concurrent-reconciles', values['max-concurrent-reconciles']),
  };
}

type FlagValues = { [K in keyof typeof FLAGS]?: string | boolean };

function storageConfigOf(values: FlagValues): StorageConfig {
  const driver = values.storage;
  if (driver === 'memory') return { driver: 'memory' };
  if (driver === 'postgres' || driver === 'mysql') return sqlStorageConfigOf(driver, values);
  if (driver !== 'etcd') throw new Error(`--storage: "${String(driver)}" is not supported: use etcd, postgres, mysql or memory`);
  const endpoints = String(values['etcd-endpoints'] ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  if (endpoints.length === 0) throw new Error('--etcd-endpoints is required with --storage=etcd');
  const ca = values['etcd-cafile'] as string | undefined;
  const cert = values['etcd-certfile'] as string | undefined;
  const key = values['etcd-keyfile'] as string | undefined;
  if (Boolean(cert) !== Boolean(key)) throw new Error('--etcd-certfile and --etcd-keyfile go together');
  if (cert && !ca) throw new Error('--etcd-certfile needs --etcd-cafile');
  return {
    driver: 'etcd',
    endpoints,
    prefix: String(values['etcd-prefix']),
    ...(ca ? { tls: { ca, ...(cert && key ? { cert, key } : {}) } } : {}),
  };
}

function positiveIntegerFlag(flag: keyof typeof FLAGS, value: string | boolean | undefined): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 1) throw new Error(`--${flag}: "${String(value)}" is not a positive integer`);
  return number;
}

function sqlStorageConfigOf(driver: 'postgres' | 'mysql', values: FlagValues): StorageConfig {
  const urlFile = values['storage-url-file'] as string | undefined;
  const url = urlFile ? readFileSync(urlFile, 'utf8').trim() : (values['storage-url'] as string | undefined);
  if (!url) throw new Error(`--storage-url (or --storage-url-file) is required with --storage=${driver}`);
  const ca = values['storage-ca-file'] as string | undefined;
  const cert = values['storage-cert-file'] as string | undefined;
  const key = values['storage-key-file'] as string | undefined;
  if (Boolean(cert) !== Boolean(key)) throw new Error('--storage-cert-file and --storage-key-file go together');
  if (cert && !ca) throw new Error('--storage-cert-file needs --storage-ca-file');
  const common = {
    url,
    poolSize: positiveIntegerFlag('storage-pool-size', values['storage-pool-size']),
    compactIntervalMs: Math.round(parseDurationSeconds('storage-compaction-interval', String(values['storage-compaction-interval'])) * 1000),
    compactRetainRevisions: positiveIntegerFlag('storage-compaction-retain', values['storage-compaction-retain']),
    ...(ca ? { tls: { ca, ...(cert && key ? { cert, key } : {}) } } : {}),
  };
  if (driver === 'postgres') return { driver, ...common };
  const pollIntervalMs = Math.round(parseDurationSeconds('storage-poll-interval', String(values['storage-poll-interval'])) * 1000);
  return { driver, ...common, pollIntervalMs };
}

/** The serving certificate from files, or a self-signed one for local runs. */
async function servingCertificate(flags: Flags, logger: Logger): Promise<{ cert: string; key: string }> {
  if (flags['tls-cert-file'] && flags['tls-private-key-file']) {
    return { cert: readFileSync(flags['tls-cert-file'], 'utf8'), key: readFileSync(flags['tls-private-key-file'], 'utf8') };
  }
  logger.warn('no --tls-cert-file: serving with a self-signed certificate for localhost');
  const ca = await createCertificateAuthority({ commonName: 'tenancy-apiserver-self-signed-ca' });
  const serving = await issueCertificate(ca, { commonName: 'localhost', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], usages: ['server'] });
  return { cert: `${serving.certificate}${ca.certificate}`, key: serving.privateKey };
}

/** --authentication-skip-lookup: CAs from files instead of the cluster's ConfigMap. */
function configFromFiles(flags: Flags): AuthenticationConfig {
  const read = (flag: 'client-ca-file' | 'requestheader-client-ca-file') =>
    flags[flag] ? parseCertificateBundle(readFileSync(flags[flag], 'utf8'), `--${flag}`) : [];
  const requestHeaderCAs = read('requestheader-client-ca-file');
  return {
    clientCertificateAuthorities: read('client-ca-file'),
    ...(requestHeaderCAs.length > 0
      ? {
          requestHeader: {
            certificateAuthorities: requestHeaderCAs,
            allowedNames: flags['requestheader-allowed-names'].split(',').filter((n) => n !== ''),
            usernameHeaders: ['X-Remote-User'],
            groupHeaders: ['X-Remote-Group'],
            extraHeaderPrefixes: ['X-Remote-Extra-'],
            uidHeaders: [],
          },
        }
      : {}),
  };
}

function kubeConfigOf(flags: Flags): KubeConfig | undefined {
  const kubeConfig = new KubeConfig();
  if (flags.kubeconfig) kubeConfig.loadFromFile(flags.kubeconfig);
  else if (flags['authentication-skip-lookup']) return undefined;
  else kubeConfig.loadFromCluster();
  return kubeConfig;
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const logger = pino({ level: flags['log-level'], base: { component: 'tenancy-apiserver' } });
  const metrics = new ApiServerMetrics();

  const storageConfig: StorageConfig =
    flags.storageConfig.driver === 'postgres' || flags.storageConfig.driver === 'mysql'
      ? { ...flags.storageConfig, onBackgroundError: (what, error) => logger.error({ err: error, what }, 'storage background work failed') }
      : flags.storageConfig;
  const storage: Storage = instrumentStorage(await createStorage(storageConfig), metrics.observeStorage);
  const defaulting = flags['default-datastore'] ? { defaultDataStore: flags['default-datastore'] } : {};
  const kubeConfig = kubeConfigOf(flags);
  const managementClient = kubeConfig ? makeKubeClient(kubeConfig) : undefined;

  const tenancy = createTenancyRegistry({
    storage,
    defaulting,
    logger,
    ...(managementClient ? { managementClient } : {}),
    tenantKubeconfigKey: flags.tenantAccess === 'endpoint' ? 'super-admin.conf' : 'super-admin.svc',
  });
  const { registry, tenantControlPlaneInformer } = tenancy;

  const authentication: AuthenticationConfigSource =
    flags['authentication-skip-lookup'] || !kubeConfig
      ? fixedAuthenticationConfig(configFromFiles(flags))
      : watchAuthenticationConfigMap(kubeConfig, logger);

  const apiServer = new ApiServer({
    resources: registry,
    authenticationConfig: () => authentication.current(),
    ...(kubeConfig
      ? {
          tokenReviewer: kubernetesTokenReviewer(kubeConfig, metrics),
          subjectAccessReviewer: kubernetesSubjectAccessReviewer(kubeConfig, metrics),
        }
      : {}),
    openapi: { v2: buildOpenAPIV2(), v3: new Map([['tenancy.kamaji.io/v1alpha1', buildOpenAPIV3()]]) },
    version: versionInfo(process.env.npm_package_version ?? '0.1.0'),
    logger,
    metrics,
    readyChecks: [
      {
        name: 'storage',
        check: async () => {
          try {
            await storage.ping();
            return undefined;
          } catch {
            return 'storage does not answer';
          }
        },
      },
    ],
  });

  const serving = await servingCertificate(flags, logger);
  const tls = (): TlsMaterial => ({ ...serving, clientCAs: trustedClientCAs(authentication.current()) });
  const server = createHttpsServer(apiServer.listener, tls());
  authentication.onChange(() => updateTls(server, tls()));
  server.listen(flags.port, flags['bind-address'], () => logger.info({ port: flags.port }, 'serving'));

  const controllers =
    kubeConfig && flags.controllers
      ? startControllers({
          registry,
          tenantControlPlaneInformer,
          managementKubeConfig: kubeConfig,
          namespace: flags['controller-namespace'] ?? process.env.POD_NAMESPACE ?? 'kamaji-system',
          identity: process.env.POD_NAME ?? hostname(),
          maxConcurrentReconciles: flags.maxConcurrentReconciles,
          leaderElect: flags['leader-elect'] === 'true',
          tenantAccess: flags.tenantAccess,
          ...(flags['default-datastore'] ? { defaultDataStore: flags['default-datastore'] } : {}),
          ...(flags['kine-image'] ? { kineImage: flags['kine-image'] } : {}),
          logger,
        })
      : undefined;

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    // Stopping the controllers first hands the Lease to another replica at once.
    const controllersStopped = controllers?.stop();
    void shutdown({ signal, server, apiServer, delaySeconds: flags.shutdownDelaySeconds, logger }).finally(async () => {
      await controllersStopped?.catch(() => {});
      authentication.stop();
      tenancy.close();
      await storage.close().catch(() => {});
      process.exit(0);
    });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

/** How long in-flight requests may take to finish once the listener is closed. */
const DRAIN_TIMEOUT_MS = 30_000;

/** SIGTERM: fail /readyz, keep serving while endpoints drop this pod, stop accepting, close watches, drain. */
async function shutdown(options: { signal: string; server: Server; apiServer: ApiServer; delaySeconds: number; logger: Logger }) {
  const { server, apiServer, logger } = options;
  logger.info({ signal: options.signal, delaySeconds: options.delaySeconds }, 'shutting down: not ready any more');
  apiServer.beginShutdown();
  await new Promise((resolve) => setTimeout(resolve, options.delaySeconds * 1000));
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  apiServer.closeWatches();
  server.closeIdleConnections();
  const drained = await Promise.race([closed.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), DRAIN_TIMEOUT_MS))]);
  if (!drained) server.closeAllConnections();
  logger.info({ drained }, 'stopped');
}

if (import.meta.main) {
  main().catch((error: unknown) => {
    // Startup errors are configuration errors: one clear line, no stack.
    process.stderr.write(`tenancy-apiserver: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
