import { KubeConfig } from '@kubernetes/client-node';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import {
  buildKubeconfig,
  createCertificateAuthority,
  issueCertificate,
  type KeyPairPem,
  type KubeconfigOptions,
} from '../../../src/pki/index.ts';
import { openssl, withFiles, withFilesAsync } from './openssl.ts';

const execFileAsync = promisify(execFile);

const base64 = (text: string) => Buffer.from(text).toString('base64');

describe('buildKubeconfig', async () => {
  const ca = await createCertificateAuthority({ commonName: 'kubernetes' });
  const admin = await issueCertificate(ca, { commonName: 'kubernetes-admin', organizations: ['system:masters'], usages: ['client'] });
  const options: KubeconfigOptions = {
    clusterName: 'tenant-00',
    server: 'https://10.0.0.100:6443',
    caCertificate: ca.certificate,
    userName: 'kubernetes-admin',
    clientCertificate: admin.certificate,
    clientKey: admin.privateKey,
  };

  test('builds a v1 Config with one cluster, user and context, all data inline', () => {
    const { object, yaml } = buildKubeconfig(options);
    expect(object).toEqual({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'tenant-00', cluster: { server: 'https://10.0.0.100:6443', 'certificate-authority-data': base64(ca.certificate) } }],
      contexts: [{ name: 'kubernetes-admin@tenant-00', context: { cluster: 'tenant-00', user: 'kubernetes-admin' } }],
      'current-context': 'kubernetes-admin@tenant-00',
      preferences: {},
      users: [
        {
          name: 'kubernetes-admin',
          user: { 'client-certificate-data': base64(admin.certificate), 'client-key-data': base64(admin.privateKey) },
        },
      ],
    });
    expect(parse(yaml)).toEqual(object);
  });

  test('is accepted by @kubernetes/client-node with the right cluster, user and context', () => {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(buildKubeconfig({ ...options, namespace: 'kube-system' }).yaml);
    expect(kubeConfig.getCurrentContext()).toBe('kubernetes-admin@tenant-00');
    expect(kubeConfig.getContextObject('kubernetes-admin@tenant-00')).toMatchObject({
      cluster: 'tenant-00',
      user: 'kubernetes-admin',
      namespace: 'kube-system',
    });
    expect(kubeConfig.getCurrentCluster()).toMatchObject({
      name: 'tenant-00',
      server: 'https://10.0.0.100:6443',
      caData: base64(ca.certificate),
    });
    expect(kubeConfig.getCurrentUser()).toMatchObject({
      name: 'kubernetes-admin',
      certData: base64(admin.certificate),
      keyData: base64(admin.privateKey),
    });
  });

  test('a token user, with names YAML 1.1 would misread quoted', () => {
    const { object, yaml } = buildKubeconfig({
      clusterName: 'yes',
      server: 'https://tenant-00.default.svc:6443',
      caCertificate: ca.certificate,
      userName: 'on',
      token: 'abcdef.0123456789abcdef',
    });
    expect(object.users[0]?.user).toEqual({ token: 'abcdef.0123456789abcdef' });
    expect(parse(yaml, { version: '1.1' })).toEqual(object);
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(yaml);
    expect(kubeConfig.getCurrentUser()).toMatchObject({ name: 'on', token: 'abcdef.0123456789abcdef' });
    expect(kubeConfig.getCurrentCluster()).toMatchObject({ name: 'yes', server: 'https://tenant-00.default.svc:6443' });
  });

  test.each([
    [{ clusterName: '' }, 'clusterName'],
    [{ userName: ' ' }, 'userName'],
    [{ server: 'tenant-00:6443' }, 'server'],
    [{ server: 'http://10.0.0.100:6443' }, 'server'],
    [{ caCertificate: 'not a certificate' }, 'caCertificate'],
    [{ clientKey: undefined }, 'clientKey'],
    [{ clientCertificate: undefined }, 'clientCertificate'],
    [{ clientCertificate: undefined, clientKey: undefined }, 'clientCertificate'],
    [{ clientKey: 'nope' }, 'clientKey'],
    [{ token: 'has space' }, 'token'],
    [{ namespace: 'Kube_System' }, 'namespace'],
  ])('rejects %j naming the field', (change, field) => {
    expect(() => buildKubeconfig({ ...options, ...change })).toThrow(expect.objectContaining({ name: 'PkiError', field }));
  });

  test('rejects a client key that is not the certificate key', async () => {
    const other = await issueCertificate(ca, { commonName: 'other', usages: ['client'] });
    expect(() => buildKubeconfig({ ...options, clientKey: other.privateKey })).toThrow(
      expect.objectContaining({ field: 'clientKey', message: 'clientKey: does not belong to clientCertificate' }),
    );
  });
});

// kubectl is Go: client-go reads the kubeconfig and Go's crypto/x509 verifies the server chain
// (raw issuer/subject byte match, strict string types, EKU) while the server checks the client.
describe('kubectl with a built kubeconfig', () => {
  async function kubectlAgainst(serverCa: KeyPairPem, clientCa: KeyPairPem, names: { cluster: string; user: string }) {
    const serverPair = await issueCertificate(serverCa, { commonName: 'kube-apiserver', ipAddresses: ['127.0.0.1'], usages: ['server'] });
    const clientPair = await issueCertificate(clientCa, { commonName: 'kubernetes-admin', organizations: ['system:masters'], usages: ['client'] });
    const server = createServer(
      { cert: serverPair.certificate, key: serverPair.privateKey, ca: clientCa.certificate, requestCert: true, rejectUnauthorized: false },
      (request, response) => {
        const socket = request.socket as TLSSocket;
        const who = socket.getPeerCertificate().subject;
        response.writeHead(socket.authorized ? 200 : 401).end(socket.authorized ? `ok ${who.CN}/${String(who.O)}` : 'unauthorized');
      },
    );
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { yaml } = buildKubeconfig({
      clusterName: names.cluster,
      server: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
      caCertificate: serverCa.certificate,
      userName: names.user,
      clientCertificate: clientPair.certificate,
      clientKey: clientPair.privateKey,
    });
    try {
      return await withFilesAsync({ kubeconfig: yaml }, async (path) => {
        const kubectl = (...args: string[]) =>
          execFileAsync('kubectl', ['--kubeconfig', path('kubeconfig'), '--request-timeout=20s', ...args]).then((out) => out.stdout);
        return {
          context: await kubectl('config', 'current-context'),
          view: JSON.parse(await kubectl('config', 'view', '--minify', '-o', 'json')) as {
            clusters: { name: string }[];
            users: { name: string }[];
          },
          healthz: await kubectl('get', '--raw', '/healthz'),
        };
      });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  test('reads it and completes an mTLS request with it', async () => {
    const ca = await createCertificateAuthority({ commonName: 'kubernetes' });
    const result = await kubectlAgainst(ca, ca, { cluster: 'yes', user: 'on' });
    expect(result.context.trim()).toBe('on@yes');
    expect(result.view.clusters.map((c) => c.name)).toEqual(['yes']);
    expect(result.view.users.map((u) => u.name)).toEqual(['on']);
    expect(result.healthz).toBe('ok kubernetes-admin/system:masters');
  });

  test('trusts a server certificate issued from a CA openssl made with a multi-valued name', async () => {
    const opensslCa = withFiles({}, (path) => {
      openssl([
        'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-keyout', path('ca.key'), '-out', path('ca.pem'),
        '-subj', '/C=DE/O=Example+OU=Etcd/CN=etcd-ca', '-addext', 'basicConstraints=critical,CA:TRUE',
      ]);
      return { certificate: openssl(['x509', '-in', path('ca.pem')]), privateKey: openssl(['pkey', '-in', path('ca.key')]) };
    });
    const clientCa = await createCertificateAuthority({ commonName: 'kubernetes' });
    const result = await kubectlAgainst(opensslCa, clientCa, { cluster: 'tenant-00', user: 'kubernetes-admin' });
    expect(result.healthz).toBe('ok kubernetes-admin/system:masters');
  });
});
