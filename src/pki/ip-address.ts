import { isIP, SocketAddress } from 'node:net';
import { PkiError } from './errors.ts';

/** Rejects anything that is not a plain IPv4 or IPv6 address (zone ids have no place in a certificate). */
export function requireIpAddress(ip: string, field: string): void {
  if (isIP(ip) === 0 || ip.includes('%')) {
    throw new PkiError(field, `"${ip}" is not an IPv4 or IPv6 address`);
  }
}

/** The canonical text form (lower case, RFC 5952 compression), so equal addresses compare equal. */
export function canonicalIpAddress(ip: string): string {
  return new SocketAddress({ address: ip, family: isIP(ip) === 6 ? 'ipv6' : 'ipv4' }).address;
}

/** Network-order bytes as an iPAddress subjectAltName carries them: 4 for IPv4, 16 for IPv6. */
export function ipAddressBytes(ip: string): Buffer {
  return isIP(ip) === 4 ? Buffer.from(ip.split('.').map(Number)) : ipv6Bytes(ip);
}

function ipv6Bytes(ip: string): Buffer {
  const groups = (part: string): number[] => (part === '' ? [] : part.split(':').flatMap(hexGroupOrDottedQuad));
  const [head = '', tail] = ip.split('::');
  const headGroups = groups(head);
  const tailGroups = tail === undefined ? [] : groups(tail);
  const zeros = new Array<number>(8 - headGroups.length - tailGroups.length).fill(0);
  const bytes = Buffer.alloc(16);
  [...headGroups, ...zeros, ...tailGroups].forEach((group, index) => bytes.writeUInt16BE(group, index * 2));
  return bytes;
}

// An IPv6 address may end in an embedded IPv4 address (::ffff:10.0.0.1), worth two groups.
function hexGroupOrDottedQuad(part: string): number[] {
  if (!part.includes('.')) return [parseInt(part, 16)];
  const [a = 0, b = 0, c = 0, d = 0] = part.split('.').map(Number);
  return [(a << 8) | b, (c << 8) | d];
}
