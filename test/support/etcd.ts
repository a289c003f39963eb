// A throwaway single-member etcd: the binary `bash hack/build.sh etcd` puts in the project's cache
// (.cache/bin, or $KAMAJI_CACHE_DIR/bin), a temporary data directory, free ports.
//
//   const etcd = await startEtcd();                        // http://<datastoreHost()>:port
//   const etcd = await startEtcd({ host: LOOPBACK });      // 127.0.0.1 even when a cluster network is up
//   const etcd = await startEtcd({ tls: 'client-cert' });  // https, client-cert auth; credentials hold a root client certificate
//   const etcd = await startEtcd({ tls: { ca, serverCertificate, serverKey } });  // https with the caller's PKI
//   await etcd.restart();  // killed, as a crash would, and started again on the same data and port
//   await etcd.stop();
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createCertificateAuthority, issueCertificate } from '../../src/pki/index.ts';
import { BIN_DIR } from '../e2e/support/cluster.ts';
import type { Datastore } from './datastore.ts';
import { datastoreHost, freePort, LOOPBACK } from './network.ts';
import { startServerProcess } from './server-process.ts';
import { scratchDir, writeOwnedFile } from './service-user.ts';

/** TLS with client-certificate auth: the CA that signed the server's certificate and every accepted client's. */
export type EtcdServerTls = { ca: string; serverCertificate: string; serverKey: string };

/** A client certificate (CN `root`) for an etcd started with `tls: 'client-cert'`, as PEMs and as files. */
export type EtcdClientCertificates = {
  caCert: string;
  clientCert: string;
  clientKey: string;
  caFile: string;
  certFile: string;
  keyFile: string;
};

export type EtcdDatastore = Datastore<EtcdClientCertificates | undefined>;

export type EtcdOptions = {
  /** The client address; datastoreHost() unless given. */
  host?: string;
  /** 'client-cert': a throwaway CA, server and root client certificate made here; or the caller's PKI. */
  tls?: 'client-cert' | EtcdServerTls;
};

async function throwawayPki(host: string): Promise<{ server: EtcdServerTls; client: { ca: string; certificate: string; privateKey: string } }> {
  const ca = await createCertificateAuthority({ commonName: 'throwaway-etcd-ca', validityDays: 2 });
  const server = await issueCertificate(ca, {
    commonName: 'throwaway-etcd',
    dnsNames: ['localhost'],
    ipAddresses: [...new Set([host, LOOPBACK])],
    usages: ['server', 'client'],
    validityDays: 1,
  });
  const client = await issueCertificate(ca, { commonName: 'root', usages: ['client'], validityDays: 1 });
  return {
    server: { ca: ca.certificate, serverCertificate: server.certificate, serverKey: server.privateKey },
    client: { ca: ca.certificate, ...client },
  };
}

export async function startEtcd(options: EtcdOptions = {}): Promise<EtcdDatastore> {
  const binary = join(BIN_DIR, 'etcd');
  if (!existsSync(binary)) throw new Error(`${binary} is missing: run 'bash hack/build.sh etcd'`);
  const host = options.host ?? datastoreHost();
  const [port, peerPort, metricsPort] = [await freePort(host), await freePort(LOOPBACK), await freePort(LOOPBACK)];
  const dir = scratchDir('etcd', {});
  const pki = options.tls === 'client-cert' ? await throwawayPki(host) : undefined;
  const tls = pki?.server ?? (typeof options.tls === 'object' ? options.tls : undefined);
  const endpoint = `${tls ? 'https' : 'http'}://${host}:${port}`;
  const peer = `http://${LOOPBACK}:${peerPort}`;
  const args = [
    '--name', 'throwaway', '--data-dir', join(dir, 'data'),
    '--listen-client-urls', endpoint, '--advertise-client-urls', endpoint,
    '--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer, '--initial-cluster', `throwaway=${peer}`,
    // Health over plain HTTP, so probing needs no client certificate.
    '--listen-metrics-urls', `http://${LOOPBACK}:${metricsPort}`,
    '--log-level', 'warn', '--unsafe-no-fsync',
  ];
  const file = (name: string, content: string) => writeOwnedFile(dir, name, content, {});
  const caFile = tls ? file('ca.crt', tls.ca) : undefined;
  if (tls && caFile) {
    args.push('--client-cert-auth', '--trusted-ca-file', caFile,
      '--cert-file', file('server.crt', tls.serverCertificate), '--key-file', file('server.key', tls.serverKey));
  }
  const credentials: EtcdClientCertificates | undefined =
    pki && caFile
      ? {
          caCert: pki.client.ca,
          clientCert: pki.client.certificate,
          clientKey: pki.client.privateKey,
          caFile,
          certFile: file('client.crt', pki.client.certificate),
          keyFile: file('client.key', pki.client.privateKey),
        }
      : undefined;
  const health = `http://${LOOPBACK}:${metricsPort}/health`;
  const server = await startServerProcess({
    what: `etcd at ${endpoint}`,
    command: binary,
    args,
    ready: async () => {
      const response = await fetch(health);
      return response.ok && ((await response.json()) as { health?: string }).health === 'true';
    },
    stopSignal: 'SIGTERM',
    restartSignal: 'SIGKILL',
    dir,
  });
  return { endpoint, host, port, credentials, ...server };
}
