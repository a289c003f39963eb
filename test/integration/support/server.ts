// An in-process Kamaji-TS API server for integration tests: the real HTTPS server, pipeline,
// registry and memory storage, with real certificates from src/pki for every identity a test needs.
import { Writable } from 'node:stream';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { allDeclarations } from '../../../src/apis/index.ts';
import { buildOpenAPIV2, buildOpenAPIV3 } from '../../../src/apis/openapi/index.ts';
import { parseAuthenticationConfigMap, trustedClientCAs, type AuthenticationConfig } from '../../../src/apiserver/authentication-config.ts';
import type { SubjectAccessReviewer } from '../../../src/apiserver/authorization.ts';
import { createHttpsServer, updateTls } from '../../../src/apiserver/https-server.ts';
import { ApiServer } from '../../../src/apiserver/server.ts';
import { versionInfo } from '../../../src/apiserver/version.ts';
import { createCertificateAuthority, issueCertificate, type KeyPairPem } from '../../../src/pki/index.ts';
import { Registry } from '../../../src/registry/registry.ts';
import { createResourceStore } from '../../../src/registry/resource-store.ts';
import type { SubresourceHandler } from '../../../src/registry/store.ts';
import type { WatchCacheOptions } from '../../../src/registry/watch-cache.ts';
import { createStorage, instrumentStorage, type Storage } from '../../../src/storage/index.ts';
import { ApiServerMetrics } from '../../../src/apiserver/metrics.ts';

export const SERVICE_DNS_NAME = 'tenancy-apiserver.kamaji-system.svc';

export interface Pki {
  servingCA: KeyPairPem;
  frontProxyCA: KeyPairPem;
  clientCA: KeyPairPem;
  /** CN=front-proxy-client from the front-proxy CA: what kube-apiserver presents. */
  frontProxyClient: KeyPairPem;
  /** Signed by the front-proxy CA, but a CN that is not allowed. */
  frontProxyWrongName: KeyPairPem;
  /** CN=admin, O=system:masters from the client CA. */
  admin: KeyPairPem;
  /** CN=alice, O=team-a from the client CA. */
  alice: KeyPairPem;
  /** A client certificate from a CA nobody trusts. */
  stranger: KeyPairPem;
}

async function createTestPki(): Promise<Pki> {
  const [servingCA, frontProxyCA, clientCA, strangerCA] = await Promise.all([
    createCertificateAuthority({ commonName: 'tenancy-apiserver-ca' }),
    createCertificateAuthority({ commonName: 'front-proxy-ca' }),
    createCertificateAuthority({ commonName: 'kubernetes' }),
    createCertificateAuthority({ commonName: 'nobody' }),
  ]);
  const client = (ca: KeyPairPem, commonName: string, organizations: string[] = []) =>
    issueCertificate(ca, { commonName, organizations, usages: ['client'] });
  const [frontProxyClient, frontProxyWrongName, admin, alice, stranger] = await Promise.all([
    client(frontProxyCA, 'front-proxy-client'),
    client(frontProxyCA, 'not-the-proxy'),
    client(clientCA, 'admin', ['system:masters']),
    client(clientCA, 'alice', ['team-a']),
    client(strangerCA, 'stranger', ['system:masters']),
  ]);
  return { servingCA, frontProxyCA, clientCA, frontProxyClient, frontProxyWrongName, admin, alice, stranger };
}

/** Certificates are slow to make (RSA keys): one set per test file, made as it loads. */
const pki = await createTestPki();

export function testPki(): Pki {
  return pki;
}

/** The ConfigMap kube-apiserver would publish for this PKI. */
export function authenticationConfigMapData(p: Pki, frontProxyCA: KeyPairPem = p.frontProxyCA): Record<string, string> {
  return {
    'client-ca-file': p.clientCA.certificate,
    'requestheader-client-ca-file': frontProxyCA.certificate,
    'requestheader-allowed-names': '["front-proxy-client"]',
    'requestheader-username-headers': '["X-Remote-User"]',
    'requestheader-group-headers': '["X-Remote-Group"]',
    'requestheader-extra-headers-prefix': '["X-Remote-Extra-"]',
  };
}

export interface TestServerOptions {
  watchCache?: WatchCacheOptions;
  subresources?: Record<string, SubresourceHandler[]>;
  subjectAccessReviewer?: SubjectAccessReviewer;
  /** Start without an authentication configuration (as before the ConfigMap is read). */
  withoutAuthenticationConfig?: boolean;
}

export interface TestServer {
  url: string;
  port: number;
  pki: Pki;
  apiServer: ApiServer;
  registry: Registry;
  storage: Storage;
  /** Every log line the server wrote, parsed. */
  logs: Record<string, unknown>[];
  /** Replaces the authentication configuration, as a ConfigMap change does. */
  setAuthenticationConfig(config: AuthenticationConfig | undefined): void;
  close(): Promise<void>;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const p = testPki();
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  const metrics = new ApiServerMetrics();
  const storage = instrumentStorage(await createStorage({ driver: 'memory' }), metrics.observeStorage);
  const registry = new Registry(
    allDeclarations.map((declaration) => ({
      store: createResourceStore(declaration, storage, { defaulting: { defaultDataStore: 'default' }, logger, ...(options.watchCache ? { watchCache: options.watchCache } : {}) }),
      subresources: options.subresources?.[declaration.plural] ?? [],
    })),
  );
  await registry.whenReady();

  let config: AuthenticationConfig | undefined = options.withoutAuthenticationConfig
    ? undefined
    : parseAuthenticationConfigMap(authenticationConfigMapData(p));
  const apiServer = new ApiServer({
    resources: registry,
    authenticationConfig: () => config,
    ...(options.subjectAccessReviewer ? { subjectAccessReviewer: options.subjectAccessReviewer } : {}),
    openapi: { v2: buildOpenAPIV2(), v3: new Map([['tenancy.kamaji.io/v1alpha1', buildOpenAPIV3()]]) },
    version: versionInfo('0.1.0'),
    logger,
    metrics,
  });
  const serving = await issueCertificate(p.servingCA, {
    commonName: SERVICE_DNS_NAME,
    dnsNames: [SERVICE_DNS_NAME, 'localhost'],
    ipAddresses: ['127.0.0.1'],
    usages: ['server'],
  });
  const tls = () => ({ cert: serving.certificate, key: serving.privateKey, clientCAs: trustedClientCAs(config) });
  const server = createHttpsServer(apiServer.listener, tls());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    pki: p,
    apiServer,
    registry,
    storage,
    logs,
    setAuthenticationConfig(next) {
      config = next;
      updateTls(server, tls());
    },
    async close() {
      apiServer.closeWatches();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      registry.close();
      await storage.close();
    },
  };
}

export interface Identity {
  certificate?: KeyPairPem;
  headers?: Record<string, string | string[]>;
}

/** kube-apiserver's aggregator proxying for a user: the proxy certificate plus X-Remote-* headers. */
export function viaFrontProxy(user: string, groups: string[] = [], extra: Record<string, string[]> = {}): Identity {
  const headers: Record<string, string | string[]> = { 'X-Remote-User': user };
  if (groups.length > 0) headers['X-Remote-Group'] = groups;
  for (const [key, values] of Object.entries(extra)) headers[`X-Remote-Extra-${encodeURIComponent(key)}`] = values;
  return { certificate: testPki().frontProxyClient, headers };
}

/** The aggregator itself (discovery probe): system:masters. */
export const aggregator = (): Identity => viaFrontProxy('system:kube-aggregator', ['system:masters']);

export interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json<T = any>(): T;
}

export interface RequestOptions {
  method?: string;
  identity?: Identity;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer | object;
  /** TLS server name to verify the serving certificate against. */
  servername?: string;
}

/** One HTTPS request that verifies the serving certificate against the serving CA. */
export function request(server: TestServer, path: string, options: RequestOptions = {}): Promise<Response> {
  const body =
    options.body === undefined ? undefined : typeof options.body === 'string' || Buffer.isBuffer(options.body) ? options.body : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port: server.port,
        path,
        method: options.method ?? 'GET',
        ca: server.pki.servingCA.certificate,
        servername: options.servername ?? SERVICE_DNS_NAME,
        ...(options.identity?.certificate ? { cert: options.identity.certificate.certificate, key: options.identity.certificate.privateKey } : {}),
        headers: {
          ...(body !== undefined && !options.headers?.['Content-Type'] ? { 'Content-Type': 'application/json' } : {}),
          ...(body !== undefined ? { 'Content-Length': String(Buffer.byteLength(body)) } : {}),
          ...options.identity?.headers,
          ...options.headers,
        },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export interface WatchStream {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Resolves with the next frame (parsed), or undefined when the stream ended. */
  next(): Promise<{ type: string; object: any } | undefined>;
  /** Resolves when the server ended the stream. */
  ended: Promise<void>;
  close(): void;
}

/** Opens a watch and reads it frame by frame. */
export function watch(server: TestServer, path: string, options: RequestOptions = {}): Promise<WatchStream> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port: server.port,
        path,
        method: 'GET',
        ca: server.pki.servingCA.certificate,
        servername: SERVICE_DNS_NAME,
        ...(options.identity?.certificate ? { cert: options.identity.certificate.certificate, key: options.identity.certificate.privateKey } : {}),
        headers: { ...options.identity?.headers, ...options.headers },
        agent: false,
      },
      (res) => {
        const frames: { type: string; object: any }[] = [];
        const waiting: ((frame: { type: string; object: any } | undefined) => void)[] = [];
        let buffer = '';
        let done = false;
        let endResolve: () => void = () => {};
        const ended = new Promise<void>((r) => (endResolve = r));
        const deliver = () => {
          while (waiting.length > 0 && (frames.length > 0 || done)) waiting.shift()!(frames.shift());
        };
        res.on('data', (chunk: Buffer) => {
          buffer += chunk.toString('utf8');
          let newline: number;
          while ((newline = buffer.indexOf('\n')) >= 0) {
            const line = buffer.slice(0, newline);
            buffer = buffer.slice(newline + 1);
            if (line.trim()) frames.push(JSON.parse(line));
          }
          deliver();
        });
        const finish = () => {
          done = true;
          deliver();
          endResolve();
        };
        res.on('end', finish);
        res.on('close', finish);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          next: () =>
            new Promise((r) => {
              waiting.push(r);
              deliver();
            }),
          ended,
          close: () => req.destroy(),
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

export const G = '/apis/tenancy.kamaji.io/v1alpha1';

export function tenantControlPlane(name: string, namespace: string, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: 'tenancy.kamaji.io/v1alpha1',
    kind: 'TenantControlPlane',
    metadata: { name, namespace, labels: { team: 'a' } },
    spec: {
      controlPlane: { deployment: { replicas: 2 }, service: { serviceType: 'ClusterIP' } },
      kubernetes: { version: 'v1.33.0', kubelet: { cgroupfs: 'systemd' } },
    },
    ...extra,
  };
}
