import { stringify } from 'yaml';
import { PkiError } from './errors.ts';
import { readCertificate, readPrivateKey } from './pem.ts';

export type KubeconfigOptions = {
  clusterName: string;
  /** https URL of the API server. */
  server: string;
  /** PEM of the CA that signed the API server's certificate. */
  caCertificate: string;
  userName: string;
  clientCertificate?: string;
  clientKey?: string;
  token?: string;
  namespace?: string;
};

export type KubeconfigObject = {
  apiVersion: 'v1';
  kind: 'Config';
  clusters: { name: string; cluster: { server: string; 'certificate-authority-data': string } }[];
  contexts: { name: string; context: { cluster: string; user: string; namespace?: string } }[];
  'current-context': string;
  preferences: Record<string, never>;
  users: { name: string; user: KubeconfigUser }[];
};

export type KubeconfigUser = {
  'client-certificate-data'?: string;
  'client-key-data'?: string;
  token?: string;
};

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** A one-cluster, one-user kubeconfig with credentials inline, current context `<user>@<cluster>`. */
export function buildKubeconfig(opts: KubeconfigOptions): { object: KubeconfigObject; yaml: string } {
  const clusterName = requireName(opts.clusterName, 'clusterName');
  const userName = requireName(opts.userName, 'userName');
  readCertificate(opts.caCertificate, 'caCertificate');
  const contextName = `${userName}@${clusterName}`;

  const object: KubeconfigObject = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: clusterName,
        cluster: { server: requireServer(opts.server), 'certificate-authority-data': base64(opts.caCertificate) },
      },
    ],
    contexts: [{ name: contextName, context: { cluster: clusterName, user: userName, ...namespaceOf(opts) } }],
    'current-context': contextName,
    preferences: {},
    users: [{ name: userName, user: credentials(opts) }],
  };
  // YAML 1.1 output quotes strings like `yes` and `on`, which client-go's YAML 1.1 reader
  // would otherwise take for booleans.
  return { object, yaml: stringify(object, { version: '1.1' }) };
}

function credentials(opts: KubeconfigOptions): KubeconfigUser {
  const { clientCertificate, clientKey, token } = opts;
  if ((clientCertificate === undefined) !== (clientKey === undefined)) {
    throw new PkiError(clientKey === undefined ? 'clientKey' : 'clientCertificate', 'must be given together with the other');
  }
  if (clientCertificate === undefined && token === undefined) {
    throw new PkiError('clientCertificate', 'a user needs clientCertificate and clientKey, or a token');
  }
  const user: KubeconfigUser = {};
  if (clientCertificate !== undefined && clientKey !== undefined) {
    const certificate = readCertificate(clientCertificate, 'clientCertificate');
    if (!certificate.checkPrivateKey(readPrivateKey(clientKey, 'clientKey'))) {
      throw new PkiError('clientKey', 'does not belong to clientCertificate');
    }
    user['client-certificate-data'] = base64(clientCertificate);
    user['client-key-data'] = base64(clientKey);
  }
  if (token !== undefined) {
    if (typeof token !== 'string' || token === '' || /\s/.test(token)) {
      throw new PkiError('token', 'must be a non-empty string without whitespace');
    }
    user.token = token;
  }
  return user;
}

function namespaceOf(opts: KubeconfigOptions): { namespace?: string } {
  if (opts.namespace === undefined) return {};
  if (typeof opts.namespace !== 'string' || !DNS_LABEL.test(opts.namespace)) {
    throw new PkiError('namespace', `"${String(opts.namespace)}" is not a valid namespace name`);
  }
  return { namespace: opts.namespace };
}

function requireName(name: unknown, field: string): string {
  if (typeof name !== 'string' || name.trim() === '') throw new PkiError(field, 'must be a non-empty string');
  return name;
}

function requireServer(server: unknown): string {
  let url: URL;
  try {
    url = new URL(String(server));
  } catch {
    throw new PkiError('server', `"${String(server)}" is not a URL`);
  }
  if (url.protocol !== 'https:') throw new PkiError('server', `"${String(server)}" must be an https URL`);
  return String(server);
}

function base64(pem: string): string {
  return Buffer.from(pem, 'utf8').toString('base64');
}
