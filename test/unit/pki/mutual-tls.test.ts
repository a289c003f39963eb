import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect, createServer, type TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createCertificateAuthority, issueCertificate, type KeyPairPem } from '../../../src/pki/index.ts';

// A real TLS 1.3 handshake over loopback with Node's (OpenSSL's) full verification on both sides.
describe('issued certificates in a mutual-TLS handshake', async () => {
  const ca = await createCertificateAuthority({ commonName: 'kubernetes' });
  const serverPair = await issueCertificate(ca, {
    commonName: 'kube-apiserver',
    dnsNames: ['localhost'],
    ipAddresses: ['127.0.0.1', '::1'],
    usages: ['server'],
  });
  const clientPair = await issueCertificate(ca, { commonName: 'kubernetes-admin', organizations: ['system:masters'], usages: ['client'] });

  // Like kube-apiserver: asks for a client certificate, verifies it against the client CA and
  // answers with who the client is, or why it is not trusted.
  const server = createServer({
    cert: serverPair.certificate,
    key: serverPair.privateKey,
    ca: ca.certificate,
    requestCert: true,
    rejectUnauthorized: false,
  });
  server.on('secureConnection', (socket: TLSSocket) => {
    const peer = socket.getPeerCertificate();
    socket.end(socket.authorized ? `hello ${peer.subject.CN} of ${String(peer.subject.O)}` : `refused: ${String(socket.authorizationError)}`);
  });
  let port = 0;

  beforeAll(async () => {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function exchange(client: KeyPairPem, trust: string, servername?: string): Promise<{ authorized: boolean; reply: string }> {
    const socket = connect({ host: '127.0.0.1', port, servername, ca: trust, cert: client.certificate, key: client.privateKey });
    socket.setEncoding('utf8');
    let reply = '';
    socket.on('data', (chunk: string) => (reply += chunk));
    await once(socket, 'secureConnect');
    const authorized = socket.authorized;
    await once(socket, 'end');
    socket.destroy();
    return { authorized, reply };
  }

  test('completes with the CA as the only trust on both sides', async () => {
    await expect(exchange(clientPair, ca.certificate)).resolves.toEqual({
      authorized: true,
      reply: 'hello kubernetes-admin of system:masters',
    });
  });

  test('the server name is checked against the DNS SANs', async () => {
    await expect(exchange(clientPair, ca.certificate, 'localhost')).resolves.toMatchObject({ authorized: true });
    await expect(exchange(clientPair, ca.certificate, 'kubernetes.default')).rejects.toMatchObject({
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
    });
  });

  test('the server refuses a client certificate from another CA of the same name', async () => {
    const otherCa = await createCertificateAuthority({ commonName: 'kubernetes' });
    const stranger = await issueCertificate(otherCa, { commonName: 'kubernetes-admin', usages: ['client'] });
    await expect(exchange(stranger, ca.certificate)).resolves.toEqual({
      authorized: true,
      reply: 'refused: UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    });
  });

  test('the client refuses a server whose certificate lacks serverAuth', async () => {
    const wrongUsage = await issueCertificate(ca, { commonName: 'kube-apiserver', ipAddresses: ['127.0.0.1'], usages: ['client'] });
    const impostor = createServer({ cert: wrongUsage.certificate, key: wrongUsage.privateKey });
    impostor.on('tlsClientError', () => {});
    impostor.listen(0, '127.0.0.1');
    await once(impostor, 'listening');
    try {
      const socket = connect({ host: '127.0.0.1', port: (impostor.address() as AddressInfo).port, ca: ca.certificate });
      const [error] = (await once(socket, 'error')) as [NodeJS.ErrnoException];
      expect(error.code).toBe('INVALID_PURPOSE');
      socket.destroy();
    } finally {
      await new Promise<void>((resolve) => impostor.close(() => resolve()));
    }
  });
});
