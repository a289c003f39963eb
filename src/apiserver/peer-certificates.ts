// The client certificate chain a TLS connection presented, leaf first. Computed once per connection:
// the aggregator keeps its connections open and sends many requests over each.
import { X509Certificate } from 'node:crypto';
import type { Socket } from 'node:net';
import { TLSSocket, type DetailedPeerCertificate } from 'node:tls';

const chains = new WeakMap<Socket, X509Certificate[]>();

export function presentedCertificates(socket: Socket): X509Certificate[] {
  if (!(socket instanceof TLSSocket)) return [];
  const known = chains.get(socket);
  if (known) return known;
  const chain: X509Certificate[] = [];
  const seen = new Set<string>();
  let current: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true) as DetailedPeerCertificate;
  while (current?.raw && !seen.has(current.fingerprint256)) {
    seen.add(current.fingerprint256);
    chain.push(new X509Certificate(current.raw));
    current = current.issuerCertificate;
  }
  chains.set(socket, chain);
  return chain;
}
