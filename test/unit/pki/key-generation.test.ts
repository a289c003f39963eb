import { describe, expect, test } from 'vitest';
import { createCertificateAuthority, createServiceAccountKeyPair, issueCertificate, matchesPrivateKey } from '../../../src/pki/index.ts';

/** Counts turns of the event loop (one setImmediate per turn) until stopped. */
function eventLoopTurns(): { readonly count: number; stop(): void } {
  let count = 0;
  let timer = setImmediate(function tick() {
    count++;
    timer = setImmediate(tick);
  });
  return {
    get count() {
      return count;
    },
    stop: () => clearImmediate(timer),
  };
}

// The controllers share a process with the API server: a key generated on the event loop would
// hold every request behind it, so RSA keys are made in libuv's thread pool.
describe('key generation off the event loop', () => {
  test('the event loop keeps turning while four keys are generated side by side', async () => {
    const turns = eventLoopTurns();
    try {
      const turnsWhenReady: number[] = [];
      const pending = Array.from({ length: 4 }, () => createServiceAccountKeyPair().then(() => turnsWhenReady.push(turns.count)));
      // Generated synchronously, every key would be there before the loop turned even once.
      expect(turns.count).toBe(0);
      await Promise.all(pending);
      expect(Math.min(...turnsWhenReady)).toBeGreaterThan(0);
      expect(turns.count).toBeGreaterThan(10);
    } finally {
      turns.stop();
    }
  });

  test('issuing a CA and a certificate lets the loop turn too, and each gets its own key', async () => {
    const turns = eventLoopTurns();
    try {
      const ca = await createCertificateAuthority({ commonName: 'kubernetes' });
      const afterCA = turns.count;
      const [first, second] = await Promise.all([
        issueCertificate(ca, { commonName: 'a', usages: ['client'] }),
        issueCertificate(ca, { commonName: 'b', usages: ['client'] }),
      ]);
      expect(afterCA).toBeGreaterThan(0);
      expect(turns.count).toBeGreaterThan(afterCA);
      expect(first.privateKey).not.toBe(second.privateKey);
      expect(matchesPrivateKey(first.certificate, first.privateKey)).toBe(true);
      expect(matchesPrivateKey(second.certificate, second.privateKey)).toBe(true);
    } finally {
      turns.stop();
    }
  });
});
