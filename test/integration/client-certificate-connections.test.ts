// Client certificates are verified once per TLS connection, yet a connection kept open across a CA
// rotation is judged by the new CAs from its next request on (the aggregator keeps its connections
// open for as long as it can).
import https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAuthenticationConfigMap } from '../../src/apiserver/authentication-config.ts';
import { createCertificateAuthority, type KeyPairPem } from '../../src/pki/index.ts';
import { G, SERVICE_DNS_NAME, authenticationConfigMapData, startTestServer, testPki, type TestServer } from './support/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** Requests over one kept-alive connection; `reused` tells whether a request went over an earlier one's socket. */
function connection(certificate: KeyPairPem, headers: Record<string, string> = {}) {
  const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
  const get = (path: string) =>
    new Promise<{ status: number; reused: boolean }>((resolve, reject) => {
      const req = https.request(
        {
          host: '127.0.0.1',
          port: server.port,
          path,
          agent,
          ca: server.pki.servingCA.certificate,
          servername: SERVICE_DNS_NAME,
          cert: certificate.certificate,
          key: certificate.privateKey,
          headers,
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }));
        },
      );
      req.on('error', reject);
      req.end();
    });
  return { get, close: () => agent.destroy() };
}

describe('a kept-alive connection across a CA rotation', () => {
  it('client CA: the connection authenticates until the CA is rotated away, and again once it is back', async () => {
    const p = testPki();
    const admin = connection(p.admin);
    const rotated = await createCertificateAuthority({ commonName: 'kubernetes-rotated' });
    try {
      expect(await admin.get(`${G}/datastores`)).toEqual({ status: 200, reused: false });
      expect(await admin.get(`${G}/datastores`)).toEqual({ status: 200, reused: true });
      server.setAuthenticationConfig(parseAuthenticationConfigMap({ ...authenticationConfigMapData(p), 'client-ca-file': rotated.certificate }));
      expect(await admin.get(`${G}/datastores`)).toEqual({ status: 401, reused: true });
      server.setAuthenticationConfig(parseAuthenticationConfigMap(authenticationConfigMapData(p)));
      expect(await admin.get(`${G}/datastores`)).toEqual({ status: 200, reused: true });
    } finally {
      server.setAuthenticationConfig(parseAuthenticationConfigMap(authenticationConfigMapData(p)));
      admin.close();
    }
  });

  it('front-proxy CA: the proxy connection is no longer believed once its CA is rotated away', async () => {
    const p = testPki();
    const proxy = connection(p.frontProxyClient, { 'X-Remote-User': 'system:kube-aggregator', 'X-Remote-Group': 'system:masters' });
    const rotated = await createCertificateAuthority({ commonName: 'front-proxy-ca-2' });
    try {
      expect(await proxy.get(G)).toEqual({ status: 200, reused: false });
      expect(await proxy.get(G)).toEqual({ status: 200, reused: true });
      server.setAuthenticationConfig(parseAuthenticationConfigMap(authenticationConfigMapData(p, rotated)));
      expect(await proxy.get(G)).toEqual({ status: 401, reused: true });
    } finally {
      server.setAuthenticationConfig(parseAuthenticationConfigMap(authenticationConfigMapData(p)));
      proxy.close();
    }
  });
});
