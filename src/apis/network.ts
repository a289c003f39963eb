// IP and CIDR checks for network settings. Parsing and containment use node:net; the only
// arithmetic of our own is turning an address into a number to compute the DNS Service IP.
import { BlockList, isIP, isIPv4 } from 'node:net';

export interface Cidr {
  address: string;
  prefix: number;
  family: 4 | 6;
}

/** Parses `10.96.0.0/16` or `fd00::/108`; undefined when it is not a CIDR. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const address = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  const family = ipFamily(address);
  if (family === undefined || !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > (family === 4 ? 32 : 128)) return undefined;
  return { address, prefix, family };
}

export function ipFamily(address: string): 4 | 6 | undefined {
  const family = isIP(address);
  return family === 4 || family === 6 ? family : undefined;
}

/** Whether `address` lies inside `cidr`. */
export function cidrContains(cidr: Cidr, address: string): boolean {
  const family = ipFamily(address);
  if (family !== cidr.family) return false;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const block = new BlockList();
  block.addSubnet(networkAddress(cidr), cidr.prefix, type);
  return block.check(address, type);
}

/** The cluster DNS Service IP Kamaji derives from a service CIDR: network + 10 (IPv4), network + 0x10 (IPv6). */
export function dnsServiceIPFor(cidr: Cidr): string {
  const offset = cidr.family === 4 ? 10n : 0x10n;
  return fromNumber(toNumber(networkAddress(cidr), cidr.family) + offset, cidr.family);
}

export function networkAddress(cidr: Cidr): string {
  const bits = cidr.family === 4 ? 32 : 128;
  const hostBits = BigInt(bits - cidr.prefix);
  const value = (toNumber(cidr.address, cidr.family) >> hostBits) << hostBits;
  return fromNumber(value, cidr.family);
}

function toNumber(address: string, family: 4 | 6): bigint {
  if (family === 4) return address.split('.').reduce((acc, octet) => (acc << 8n) | BigInt(octet), 0n);
  return ipv6Groups(address).reduce((acc, group) => (acc << 16n) | BigInt(group), 0n);
}

function fromNumber(value: bigint, family: 4 | 6): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  return compressIPv6(groups);
}

/** The eight 16-bit groups of an address that node:net already accepted as IPv6. */
function ipv6Groups(address: string): number[] {
  let text = address.split('%')[0]!;
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (isIPv4(tail)) {
    const [a, b, c, d] = tail.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const parse = (part: string) => (part ? part.split(':').map((group) => parseInt(group, 16)) : []);
  const left = parse(head);
  const right = rest === undefined ? [] : parse(rest);
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/** RFC 5952 text: the longest run of zero groups (length ≥ 2) becomes `::`. */
function compressIPv6(groups: number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}
