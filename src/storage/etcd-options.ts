// The etcd driver's settings: validation with messages naming the field, TLS material from PEM
// text or files, and the etcd3 client options that make the driver safe and able to carry big
// lists and watch batches.
import { loadPem } from './pem.ts';
import type { IOptions } from 'etcd3';

export interface EtcdTlsConfig {
  /** CA bundle that signed etcd's serving certificate: PEM text or a file path. */
  ca: string;
  /** Client certificate for etcd's client-cert auth: PEM text or a file path (with `key`). */
  cert?: string;
  /** The client certificate's private key: PEM text or a file path (with `cert`). */
  key?: string;
}

export interface EtcdStorageOptions {
  /** e.g. ['https://10.0.0.1:2379']; a bare host:port is allowed too. */
  endpoints: string[];
  /** Every key is stored under it. Starts and ends with '/', printable ASCII, no '..'. */
  prefix: string;
  tls?: EtcdTlsConfig;
  /** How long ping() waits for etcd (default 5 s). */
  pingTimeoutMs?: number;
}

/** Throws an Error naming the field when the prefix cannot safely namespace keys. */
export function validateEtcdPrefix(prefix: string): void {
  const problem = !prefix.startsWith('/')
    ? 'must start with "/"'
    : !prefix.endsWith('/')
      ? 'must end with "/"'
      : prefix.includes('..')
        ? 'must not contain ".."'
        : !/^[\x21-\x7e]+$/.test(prefix)
          ? 'must contain only printable ASCII characters without spaces'
          : undefined;
  if (problem) throw new Error(`etcd storage: prefix ${JSON.stringify(prefix)} ${problem}`);
}

/** Accepts http://host:port, https://host:port or host:port; returns whether it asks for TLS. */
function validateEndpoint(endpoint: string, index: number): boolean {
  const field = `etcd storage: endpoints[${index}] ${JSON.stringify(endpoint)}`;
  let url: URL;
  try {
    url = new URL(endpoint.includes('://') ? endpoint : `http://${endpoint}`);
  } catch {
    throw new Error(`${field} is not a valid host:port or URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${field} must use http or https`);
  if (url.port === '') throw new Error(`${field} must name a port`);
  if (url.pathname !== '/' || url.search !== '' || url.username !== '') {
    throw new Error(`${field} must be only a scheme, host and port`);
  }
  return url.protocol === 'https:';
}

export function etcdClientOptions(options: EtcdStorageOptions): IOptions {
  if (!Array.isArray(options.endpoints) || options.endpoints.length === 0) {
    throw new Error('etcd storage: endpoints must list at least one etcd endpoint');
  }
  const wantsTls = options.endpoints.map(validateEndpoint);
  const { tls } = options;
  if (!tls && wantsTls.some(Boolean)) {
    throw new Error('etcd storage: https endpoints need tls.ca (the CA that signed etcd\'s certificate)');
  }
  if (tls && (tls.cert === undefined) !== (tls.key === undefined)) {
    throw new Error('etcd storage: tls.cert and tls.key must be given together');
  }
  return {
    hosts: options.endpoints,
    faultHandling: { global: retryUnsentCalls },
    // etcd answers large lists and watch batches in one message; gRPC's default 4 MiB cap would
    // fail them (Kubernetes lifts the cap the same way).
    grpcOptions: {
      'grpc.max_receive_message_length': -1,
      // Without keepalive, a watch on an etcd that vanished without closing the connection would
      // wait forever. Pings only while calls are open, and no more often than etcd's 5 s minimum.
      'grpc.keepalive_time_ms': 30_000,
      'grpc.keepalive_timeout_ms': 10_000,
    },
    ...(tls && {
      credentials: {
        rootCertificate: loadPem(tls.ca, 'etcd storage: tls.ca'),
        ...(tls.cert !== undefined && tls.key !== undefined
          ? { certChain: loadPem(tls.cert, 'etcd storage: tls.cert'), privateKey: loadPem(tls.key, 'etcd storage: tls.key') }
          : {}),
      },
    }),
  };
}


type CallPolicy = NonNullable<NonNullable<IOptions['faultHandling']>['global']>;

/** grpc-js's message for a call that failed before any connection to etcd existed. */
const NOT_SENT = 'No connection established';
const MAX_ATTEMPTS = 3;

/**
 * etcd3 by default retries every call that failed with a "recoverable" gRPC code, writes included.
 * A write that etcd applied but whose answer was lost would then run twice: a create would report
 * KeyExistsError for its own write, and guaranteedUpdate would apply its change twice. Like etcd's
 * own Go client, retry only calls that never left (each retry goes to the next endpoint).
 */
const retryUnsentCalls: CallPolicy = {
  _altReturn: undefined as never,
  onSuccess: () => ({ dispose: () => {} }),
  onFailure: () => ({ dispose: () => {} }),
  async execute<T>(call: (context: { signal: AbortSignal }) => PromiseLike<T> | T, signal?: AbortSignal): Promise<T> {
    const context = { signal: signal ?? new AbortController().signal };
    for (let attempt = 1; ; attempt++) {
      try {
        return await call(context);
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || !(error instanceof Error) || !error.message.includes(NOT_SENT)) throw error;
      }
    }
  },
};
