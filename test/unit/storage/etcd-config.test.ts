import { describe, expect, it } from 'vitest';
import { EtcdStorage, validateEtcdPrefix } from '../../../src/storage/etcd.ts';
import { createStorage, MemoryStorage, type StorageConfig } from '../../../src/storage/index.ts';

describe('validateEtcdPrefix', () => {
  it.each(['/', '/kamaji/', '/kamaji/tenancy/', '/a-b_c.d/'])('accepts %j', (prefix) => {
    expect(() => validateEtcdPrefix(prefix)).not.toThrow();
  });

  it.each([
    ['', 'must start with "/"'],
    ['kamaji/', 'must start with "/"'],
    ['/kamaji', 'must end with "/"'],
    ['/kamaji/../other/', 'must not contain ".."'],
    ['/ka mji/', 'printable ASCII'],
    ['/kamaji\n/', 'printable ASCII'],
    ['/kämäji/', 'printable ASCII'],
  ])('refuses %j', (prefix, problem) => {
    expect(() => validateEtcdPrefix(prefix)).toThrow(problem);
  });
});

describe('EtcdStorage options', () => {
  const valid = { endpoints: ['http://127.0.0.1:2379'], prefix: '/kamaji/' };

  it('connects lazily, so a valid configuration constructs without an etcd', async () => {
    const store = new EtcdStorage({ ...valid, endpoints: ['127.0.0.1:2379', 'http://[::1]:2379'] });
    expect(store.prefix).toBe('/kamaji/');
    await store.close();
  });

  it.each([
    [[], 'endpoints must list at least one'],
    [['127.0.0.1'], 'endpoints[0] "127.0.0.1" must name a port'],
    [['http://127.0.0.1:2379', 'ftp://etcd:2379'], 'endpoints[1] "ftp://etcd:2379" must use http or https'],
    [['http://etcd:2379/v3'], 'must be only a scheme, host and port'],
    [['http://etcd:notaport'], 'is not a valid host:port or URL'],
  ])('refuses endpoints %j', (endpoints, problem) => {
    expect(() => new EtcdStorage({ ...valid, endpoints })).toThrow(problem);
  });

  it('refuses https endpoints without a CA and a certificate without its key', () => {
    expect(() => new EtcdStorage({ ...valid, endpoints: ['https://etcd:2379'] })).toThrow('need tls.ca');
    expect(
      () => new EtcdStorage({ ...valid, tls: { ca: '-----BEGIN CERTIFICATE-----\n', cert: '-----BEGIN CERTIFICATE-----\n' } }),
    ).toThrow('tls.cert and tls.key must be given together');
  });

  it('names the TLS file it cannot read', () => {
    expect(() => new EtcdStorage({ ...valid, tls: { ca: '/nonexistent/ca.crt' } })).toThrow(/tls\.ca is neither PEM text nor a readable file: \/nonexistent\/ca\.crt/);
  });

  it('refuses an invalid prefix', () => {
    expect(() => new EtcdStorage({ ...valid, prefix: '/kamaji' })).toThrow('must end with "/"');
  });
});

describe('createStorage', () => {
  it('opens the memory driver', async () => {
    const store = await createStorage({ driver: 'memory', historyLimit: 5 });
    expect(store).toBeInstanceOf(MemoryStorage);
    await store.close();
  });

  it('opens the etcd driver with its settings validated', async () => {
    const store = await createStorage({ driver: 'etcd', endpoints: ['http://127.0.0.1:2379'], prefix: '/kamaji/' });
    expect(store).toBeInstanceOf(EtcdStorage);
    await store.close();
    await expect(createStorage({ driver: 'etcd', endpoints: ['http://127.0.0.1:2379'], prefix: 'kamaji' })).rejects.toThrow(
      'must start with "/"',
    );
  });

  it('refuses an unknown driver by name', async () => {
    await expect(createStorage({ driver: 'cassandra' } as unknown as StorageConfig)).rejects.toThrow('unknown driver "cassandra"');
  });
});
