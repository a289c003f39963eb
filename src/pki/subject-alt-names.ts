import { isIP } from 'node:net';
import { PkiError } from './errors.ts';
import { canonicalIpAddress, ipAddressBytes, requireIpAddress } from './ip-address.ts';

// GeneralName tags (RFC 5280 4.2.1.6).
const DNS_NAME = 2;
const IP_ADDRESS = 7;

// RFC 1123 host names, optionally with a leading wildcard label ("*.apps.example.com").
const DNS_NAME_PATTERN = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/i;
const MAX_DNS_NAME_LENGTH = 253;

export type AltName = { type: number; value: string };

/** Validated, duplicate-free DNS names. */
export function requireDnsNames(names: unknown, field = 'dnsNames'): string[] {
  if (!Array.isArray(names)) throw new PkiError(field, 'must be a list of DNS names');
  names.forEach((name: unknown, index) => {
    const where = `${field}[${index}]`;
    if (typeof name !== 'string') throw new PkiError(where, 'must be a string');
    if (isIP(name) !== 0) throw new PkiError(where, `"${name}" is an IP address; list it in ipAddresses`);
    if (name.length > MAX_DNS_NAME_LENGTH || !DNS_NAME_PATTERN.test(name)) {
      throw new PkiError(where, `"${name}" is not a valid DNS name`);
    }
  });
  return [...new Set(names as string[])];
}

/** Validated IPv4/IPv6 addresses in canonical form, duplicates (also differently spelled ones) removed. */
export function requireIpAddresses(addresses: unknown, field = 'ipAddresses'): string[] {
  if (!Array.isArray(addresses)) throw new PkiError(field, 'must be a list of IP addresses');
  addresses.forEach((address: unknown, index) => {
    if (typeof address !== 'string') throw new PkiError(`${field}[${index}]`, 'must be a string');
    requireIpAddress(address, `${field}[${index}]`);
  });
  return [...new Set((addresses as string[]).map(canonicalIpAddress))];
}

/** subjectAltName entries as node-forge takes them: IP addresses as raw network-order bytes. */
export function altNames(dnsNames: string[], ipAddresses: string[]): AltName[] {
  return [
    ...dnsNames.map((name) => ({ type: DNS_NAME, value: name })),
    ...ipAddresses.map((ip) => ({ type: IP_ADDRESS, value: ipAddressBytes(ip).toString('binary') })),
  ];
}
