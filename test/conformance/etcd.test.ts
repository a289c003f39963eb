import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertificateAuthority, issueCertificate } from '../../src/pki/index.ts';
import { EtcdStorage, type EtcdTlsConfig } from '../../src/storage/etcd.ts';
import { StorageUnavailableError } from '../../src/storage/errors.ts';
import { startEtcd, type EtcdDatastore } from '../support/etcd.ts';
import { LOOPBACK } from '../support/network.ts';
import { describeStorageConformance } from './storage-suite.ts';

let storeCount = 0;
/** Each store gets its own prefix on the one etcd of its describe block. */
const uniquePrefix = (): string => `/kamaji-conformance/${process.pid}-${++storeCount}/`;

describe('etcd', () => {
  let server: EtcdDatastore;
  beforeAll(async () => {
    server = await startEtcd({ host: LOOPBACK });
  });
  afterAll(async () => server?.stop());

  describeStorageConformance('etcd', {
    create: async () => new EtcdStorage({ endpoints: [server.endpoint], prefix: uniquePrefix() }),
    replica: async (store) => new EtcdStorage({ endpoints: [server.endpoint], prefix: (store as EtcdStorage).prefix }),
    restartBackend: () => server.restart(),
  });

  it('stores keys under its prefix and sees nothing outside it', async () => {
    const prefix = uniquePrefix();
    const store = new EtcdStorage({ endpoints: [server.endpoint], prefix });
    const raw = new Etcd3({ hosts: server.endpoint });
    try {
      await store.create('/tenants/a', Buffer.from('mine'));
      expect(await raw.get(`${prefix}tenants/a`).string()).toBe('mine');
      await raw.put(`${prefix.slice(0, -1)}x/tenants/b`).value('a neighbour');
      await raw.put('/tenants/c').value('outside');
      expect((await store.list({ prefix: '/' })).items.map((item) => item.key)).toEqual(['/tenants/a']);
      expect(await store.count('/')).toBe(1);
    } finally {
      raw.close();
      await store.close();
    }
  });

  it('fails over to a live endpoint when another one is down', async () => {
    const dead = await startEtcd({ host: LOOPBACK });
    await dead.stop();
    const store = new EtcdStorage({ endpoints: [dead.endpoint, server.endpoint], prefix: uniquePrefix() });
    try {
      for (let i = 0; i < 12; i++) await store.create(`/f/${i}`, Buffer.from('x'));
      expect(await store.count('/f/')).toBe(12);
    } finally {
      await store.close();
    }
  });

  it('reports an unreachable etcd as StorageUnavailableError', async () => {
    const stopped = await startEtcd({ host: LOOPBACK });
    await stopped.stop();
    const store = new EtcdStorage({ endpoints: [stopped.endpoint], prefix: uniquePrefix(), pingTimeoutMs: 2_000 });
    try {
      await expect(store.ping()).rejects.toBeInstanceOf(StorageUnavailableError);
      await expect(store.get('/a')).rejects.toBeInstanceOf(StorageUnavailableError);
      await expect(store.watch({ prefix: '/', afterRevision: 1 }, { onEvent: () => {}, onError: () => {} })).rejects.toBeInstanceOf(
        StorageUnavailableError,
      );
    } finally {
      await store.close();
    }
  });
});

describe('etcd over TLS with client certificates', () => {
  let server: EtcdDatastore;
  let tls: EtcdTlsConfig;
  let ca: { certificate: string; privateKey: string };
  beforeAll(async () => {
    ca = await createCertificateAuthority({ commonName: 'etcd-ca' });
    const serving = await issueCertificate(ca, {
      commonName: 'etcd',
      dnsNames: ['localhost'],
      ipAddresses: ['127.0.0.1'],
      usages: ['server'],
    });
    const client = await issueCertificate(ca, { commonName: 'kamaji', usages: ['client'] });
    server = await startEtcd({
      host: LOOPBACK,
      tls: { ca: ca.certificate, serverCertificate: serving.certificate, serverKey: serving.privateKey },
    });
    tls = { ca: ca.certificate, cert: client.certificate, key: client.privateKey };
  });
  afterAll(async () => server?.stop());

  describeStorageConformance('etcd with TLS client certificates', {
    create: async () => new EtcdStorage({ endpoints: [server.endpoint], prefix: uniquePrefix(), tls }),
    replica: async (store) => new EtcdStorage({ endpoints: [server.endpoint], prefix: (store as EtcdStorage).prefix, tls }),
    restartBackend: () => server.restart(),
  });

  it('reads the CA, certificate and key from files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kamaji-etcd-tls-'));
    const files = { ca: join(dir, 'ca.crt'), cert: join(dir, 'client.crt'), key: join(dir, 'client.key') };
    await writeFile(files.ca, tls.ca);
    await writeFile(files.cert, tls.cert!);
    await writeFile(files.key, tls.key!, { mode: 0o600 });
    const store = new EtcdStorage({ endpoints: [server.endpoint], prefix: uniquePrefix(), tls: files });
    try {
      await store.ping();
      const created = await store.create('/a', Buffer.from('over tls'));
      expect(created.modRevision).toBeGreaterThan(0);
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('is refused without a client certificate, or with one from another CA', async () => {
    const other = await createCertificateAuthority({ commonName: 'someone-else' });
    const stranger = await issueCertificate(other, { commonName: 'kamaji', usages: ['client'] });
    const configs: EtcdTlsConfig[] = [
      { ca: tls.ca },
      { ca: tls.ca, cert: stranger.certificate, key: stranger.privateKey },
    ];
    for (const config of configs) {
      const store = new EtcdStorage({ endpoints: [server.endpoint], prefix: uniquePrefix(), tls: config, pingTimeoutMs: 3_000 });
      try {
        await expect(store.ping()).rejects.toBeInstanceOf(StorageUnavailableError);
      } finally {
        await store.close();
      }
    }
  });

  it('does not trust an etcd whose certificate another CA signed', async () => {
    const other = await createCertificateAuthority({ commonName: 'someone-else' });
    const store = new EtcdStorage({
      endpoints: [server.endpoint],
      prefix: uniquePrefix(),
      tls: { ...tls, ca: other.certificate },
      pingTimeoutMs: 3_000,
    });
    try {
      await expect(store.ping()).rejects.toBeInstanceOf(StorageUnavailableError);
    } finally {
      await store.close();
    }
  });
});
