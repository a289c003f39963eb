// The server's flags: each storage driver's settings and the errors that name the flag at fault.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseFlags } from '../../src/main.ts';

describe('storage flags', () => {
  test('memory and etcd', () => {
    expect(parseFlags(['--storage=memory']).storageConfig).toEqual({ driver: 'memory' });
    expect(parseFlags(['--etcd-endpoints=https://a:2379,https://b:2379', '--etcd-cafile=/ca']).storageConfig).toEqual({
      driver: 'etcd',
      endpoints: ['https://a:2379', 'https://b:2379'],
      prefix: '/kamaji-ts/',
      tls: { ca: '/ca' },
    });
  });

  test('postgres with pool, compaction and TLS settings', () => {
    const config = parseFlags([
      '--storage=postgres',
      '--storage-url=postgres://kamaji@db:5432/kamaji',
      '--storage-pool-size=4',
      '--storage-compaction-interval=2m',
      '--storage-compaction-retain=500',
      '--storage-ca-file=/ca.crt',
    ]).storageConfig;
    expect(config).toEqual({
      driver: 'postgres',
      url: 'postgres://kamaji@db:5432/kamaji',
      poolSize: 4,
      compactIntervalMs: 120_000,
      compactRetainRevisions: 500,
      tls: { ca: '/ca.crt' },
    });
  });

  test('mysql with its poll interval, the URL read from a file so the password stays off argv', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'flags-')), 'url');
    writeFileSync(file, 'mysql://kamaji:secret@db:3306/kamaji\n');
    expect(parseFlags(['--storage=mysql', `--storage-url-file=${file}`, '--storage-poll-interval=50ms']).storageConfig).toEqual({
      driver: 'mysql',
      url: 'mysql://kamaji:secret@db:3306/kamaji',
      poolSize: 10,
      compactIntervalMs: 300_000,
      compactRetainRevisions: 1000,
      pollIntervalMs: 50,
    });
  });

  test('errors name the flag', () => {
    expect(() => parseFlags(['--storage=sqlite'])).toThrow('--storage: "sqlite" is not supported: use etcd, postgres, mysql or memory');
    expect(() => parseFlags(['--storage=postgres'])).toThrow('--storage-url (or --storage-url-file) is required with --storage=postgres');
    expect(() => parseFlags(['--storage=postgres', '--storage-url=postgres://h/db', '--storage-pool-size=0'])).toThrow('--storage-pool-size: "0" is not a positive integer');
    expect(() => parseFlags(['--storage=mysql', '--storage-url=mysql://h/db', '--storage-cert-file=/c'])).toThrow('--storage-cert-file and --storage-key-file go together');
    expect(() => parseFlags(['--storage=mysql', '--storage-url=mysql://h/db', '--storage-poll-interval=often'])).toThrow('--storage-poll-interval: "often" is not a duration');
    expect(() => parseFlags(['--storage=etcd'])).toThrow('--etcd-endpoints is required with --storage=etcd');
  });
});
