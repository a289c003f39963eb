// IP and CIDR helpers used by validation, defaulting and the controllers.
import { describe, expect, test } from 'vitest';
import { cidrContains, dnsServiceIPFor, ipFamily, networkAddress, parseCidr } from '../../../src/apis/index.ts';

describe('parseCidr', () => {
  test('accepts IPv4 and IPv6 CIDRs, host bits included', () => {
    expect(parseCidr('10.96.0.0/16')).toEqual({ address: '10.96.0.0', prefix: 16, family: 4 });
    expect(parseCidr('10.96.5.3/12')).toEqual({ address: '10.96.5.3', prefix: 12, family: 4 });
    expect(parseCidr('fd00:10:96::/112')).toEqual({ address: 'fd00:10:96::', prefix: 112, family: 6 });
    expect(parseCidr('0.0.0.0/0')?.prefix).toBe(0);
  });

  test('rejects anything else', () => {
    for (const bad of ['10.96.0.0', '10.96.0.0/33', 'fd00::/129', '10.96.0.0/-1', '10.96.0.0/1.5', '10.96.0/16', 'host/16', '10.96.0.0/16/1', '', '/16']) {
      expect(parseCidr(bad), bad).toBeUndefined();
    }
  });
});

describe('dnsServiceIPFor', () => {
  test('IPv4: network address + 10', () => {
    expect(dnsServiceIPFor(parseCidr('10.96.0.0/16')!)).toBe('10.96.0.10');
    expect(dnsServiceIPFor(parseCidr('10.96.5.3/12')!)).toBe('10.96.0.10');
    expect(dnsServiceIPFor(parseCidr('192.168.1.0/24')!)).toBe('192.168.1.10');
  });

  test('IPv6: network address + 0x10, written compressed', () => {
    expect(dnsServiceIPFor(parseCidr('fd00:10:96::/112')!)).toBe('fd00:10:96::10');
    expect(dnsServiceIPFor(parseCidr('2001:db8:0:0:1::/64')!)).toBe('2001:db8::10');
    expect(dnsServiceIPFor(parseCidr('fd00:0:0:1:2:3:4:0/120')!)).toBe('fd00::1:2:3:4:10');
  });

  test('the result lies inside the CIDR', () => {
    for (const text of ['10.96.0.0/16', 'fd00:10:96::/108', '172.20.0.0/20']) {
      const cidr = parseCidr(text)!;
      expect(cidrContains(cidr, dnsServiceIPFor(cidr)), text).toBe(true);
    }
  });
});

describe('cidrContains and networkAddress', () => {
  test('containment honours the prefix and the family', () => {
    const v4 = parseCidr('10.96.0.0/16')!;
    expect(cidrContains(v4, '10.96.255.255')).toBe(true);
    expect(cidrContains(v4, '10.97.0.0')).toBe(false);
    expect(cidrContains(v4, 'fd00::1')).toBe(false);
    expect(cidrContains(parseCidr('fd00::/64')!, 'fd00::abcd')).toBe(true);
    expect(cidrContains(parseCidr('fd00::/64')!, 'fd01::1')).toBe(false);
  });

  test('networkAddress clears the host bits', () => {
    expect(networkAddress(parseCidr('10.96.5.3/12')!)).toBe('10.96.0.0');
    expect(networkAddress(parseCidr('fd00:10:96::1234/112')!)).toBe('fd00:10:96::');
    expect(networkAddress(parseCidr('::ffff:10.0.0.5/120')!)).toBe('::ffff:a00:0');
  });

  test('ipFamily', () => {
    expect(ipFamily('10.0.0.1')).toBe(4);
    expect(ipFamily('::1')).toBe(6);
    expect(ipFamily('example.com')).toBeUndefined();
  });
});
