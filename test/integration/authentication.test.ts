// Front-proxy, client-certificate and anonymous authentication over real TLS connections, and the
// hot reload of the authentication configuration.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAuthenticationConfigMap } from '../../src/apiserver/authentication-config.ts';
import { createCertificateAuthority, issueCertificate } from '../../src/pki/index.ts';
import {
  G,
  aggregator,
  authenticationConfigMapData,
  request,
  startTestServer,
  testPki,
  viaFrontProxy,
  type TestServer,
} from './support/server.ts';

const UNAUTHORIZED = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 };

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** The request log line of the last request (requests here are sequential). */
function lastRequestLog() {
  return server.logs.filter((line) => line['msg'] === 'request').at(-1);
}

describe('TLS serving', () => {
  it('presents a certificate valid for <service>.<namespace>.svc', async () => {
    const response = await request(server, '/livez', { servername: 'tenancy-apiserver.kamaji-system.svc' });
    expect(response.status).toBe(200);
    await expect(request(server, '/livez', { servername: 'other.kamaji-system.svc' })).rejects.toThrow(/altnames|Hostname/);
  });
});

describe('front proxy', () => {
  it('lets the aggregator discover the group as system:masters (no SubjectAccessReview needed)', async () => {
    const response = await request(server, G, { identity: aggregator() });
    expect(response.status).toBe(200);
    expect(response.json()).toMatchObject({ kind: 'APIResourceList', groupVersion: 'tenancy.kamaji.io/v1alpha1' });
    expect(lastRequestLog()).toMatchObject({ user: 'system:kube-aggregator', code: 200 });
  });

  it('takes every X-Remote-Group value, commas included', async () => {
    const response = await request(server, `${G}/namespaces/t1/tenantcontrolplanes`, {
      identity: viaFrontProxy('jane', ['a,b', 'system:masters'], { 'example.com/scope': ['x'] }),
    });
    expect(response.status).toBe(200);
    expect(lastRequestLog()).toMatchObject({ user: 'jane', verb: 'list', namespace: 't1', code: 200 });
  });

  it('answers 401 for a proxy certificate whose CN is not allowed', async () => {
    const response = await request(server, G, {
      identity: { certificate: testPki().frontProxyWrongName, headers: { 'X-Remote-User': 'x', 'X-Remote-Group': 'system:masters' } },
    });
    expect(response.status).toBe(401);
    expect(response.json()).toEqual(UNAUTHORIZED);
  });

  it('answers 401 for a certificate from a CA nobody trusts, whatever it claims', async () => {
    const response = await request(server, G, { identity: { certificate: testPki().stranger, headers: { 'X-Remote-User': 'x' } } });
    expect(response.status).toBe(401);
    expect(response.json()).toEqual(UNAUTHORIZED);
  });

  it('ignores X-Remote-* headers on a connection without the proxy certificate', async () => {
    const anonymous = await request(server, `${G}/datastores`, {
      headers: { 'X-Remote-User': 'system:kube-aggregator', 'X-Remote-Group': 'system:masters' },
    });
    expect(anonymous.status).toBe(403);
    expect(anonymous.json().message).toBe(
      'datastores.tenancy.kamaji.io is forbidden: User "system:anonymous" cannot list resource "datastores" in API group "tenancy.kamaji.io" at the cluster scope: delegated authorization is not configured',
    );
    const alice = await request(server, `${G}/datastores`, {
      identity: { certificate: testPki().alice, headers: { 'X-Remote-User': 'admin', 'X-Remote-Group': 'system:masters' } },
    });
    expect(alice.status).toBe(403);
    expect(alice.json().message).toContain('User "alice" cannot list resource "datastores"');
  });
});

describe('client certificates', () => {
  it('authenticates CN as the user and O as groups (system:masters passes)', async () => {
    const response = await request(server, `${G}/datastores`, { identity: { certificate: testPki().admin } });
    expect(response.status).toBe(200);
    expect(lastRequestLog()).toMatchObject({ user: 'admin', verb: 'list', resource: 'datastores' });
  });
});

describe('hot reload of the authentication configuration', () => {
  it('trusts a rotated front-proxy CA as soon as the configuration changes, and no longer the old one', async () => {
    const p = testPki();
    const rotatedCA = await createCertificateAuthority({ commonName: 'front-proxy-ca-2' });
    const rotatedProxy = await issueCertificate(rotatedCA, { commonName: 'front-proxy-client', usages: ['client'] });
    const identity = { certificate: rotatedProxy, headers: { 'X-Remote-User': 'system:kube-aggregator', 'X-Remote-Group': 'system:masters' } };
    expect((await request(server, G, { identity })).status).toBe(401);

    server.setAuthenticationConfig(parseAuthenticationConfigMap(authenticationConfigMapData(p, rotatedCA)));
    try {
      expect((await request(server, G, { identity })).status).toBe(200);
      expect((await request(server, G, { identity: aggregator() })).status).toBe(401);
    } finally {
      server.setAuthenticationConfig(parseAuthenticationConfigMap(authenticationConfigMapData(p)));
    }
  });
});
