import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { buildKubeconfig, createCertificateAuthority, issueCertificate, type KubeconfigOptions } from '../../../src/pki/index.ts';

const base64 = (text: string) => Buffer.from(text).toString('base64');

describe('buildKubeconfig', () => {
  const ca = createCertificateAuthority({ commonName: 'kubernetes' });
  const admin = issueCertificate(ca, { commonName: 'kubernetes-admin', organizations: ['system:masters'], usages: ['client'] });
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

  test('rejects a client key that is not the certificate key', () => {
    const other = issueCertificate(ca, { commonName: 'other', usages: ['client'] });
    expect(() => buildKubeconfig({ ...options, clientKey: other.privateKey })).toThrow(
      expect.objectContaining({ field: 'clientKey', message: 'clientKey: does not belong to clientCertificate' }),
    );
  });
});
