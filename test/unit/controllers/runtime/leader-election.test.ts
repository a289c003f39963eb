import pino from 'pino';
import { describe, expect, test } from 'vitest';
import { LeaderElector, type LeaseClient, type LeaseRecord } from '../../../../src/controllers/runtime/leader-election.ts';

/** An in-memory Lease with the API server's optimistic concurrency (resourceVersion). */
function memoryLease(): LeaseClient & { stored?: { record: LeaseRecord; resourceVersion: string } } {
  let revision = 0;
  const lease: LeaseClient & { stored?: { record: LeaseRecord; resourceVersion: string } } = {
    async get() {
      return lease.stored && { record: { ...lease.stored.record }, resourceVersion: lease.stored.resourceVersion };
    },
    async create(record) {
      if (lease.stored) return false;
      lease.stored = { record, resourceVersion: String(++revision) };
      return true;
    },
    async update(record, resourceVersion) {
      if (!lease.stored || lease.stored.resourceVersion !== resourceVersion) return false;
      lease.stored = { record, resourceVersion: String(++revision) };
      return true;
    },
  };
  return lease;
}

const logger = pino({ level: 'silent' });

function elector(lease: LeaseClient, identity: string, clock: { now: number }) {
  return new LeaderElector({
    lease,
    identity,
    logger,
    now: () => new Date(clock.now),
    onStartedLeading: () => {},
    onStoppedLeading: async () => {},
  });
}

describe('LeaderElector.tryAcquireOrRenew', () => {
  test('the first candidate creates the Lease and holds it; a second must wait', async () => {
    const lease = memoryLease();
    const clock = { now: Date.parse('2026-01-01T00:00:00Z') };
    const a = elector(lease, 'a', clock);
    const b = elector(lease, 'b', clock);
    expect(await a.tryAcquireOrRenew()).toBe(true);
    expect(lease.stored?.record).toMatchObject({ holderIdentity: 'a', leaseDurationSeconds: 15, leaseTransitions: 0 });
    expect(await b.tryAcquireOrRenew()).toBe(false);
    clock.now += 5_000;
    expect(await a.tryAcquireOrRenew()).toBe(true);
    expect(await b.tryAcquireOrRenew()).toBe(false);
  });

  test('a holder that stops renewing loses the Lease one lease duration after the candidate last saw it change', async () => {
    const lease = memoryLease();
    const clock = { now: Date.parse('2026-01-01T00:00:00Z') };
    const a = elector(lease, 'a', clock);
    const b = elector(lease, 'b', clock);
    await a.tryAcquireOrRenew();
    expect(await b.tryAcquireOrRenew()).toBe(false);
    clock.now += 14_000;
    expect(await b.tryAcquireOrRenew()).toBe(false);
    clock.now += 2_000;
    expect(await b.tryAcquireOrRenew()).toBe(true);
    expect(lease.stored?.record).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    expect(await a.tryAcquireOrRenew()).toBe(false);
  });

  test('a write that lost the race (stale resourceVersion) does not make a leader', async () => {
    const lease = memoryLease();
    const clock = { now: Date.parse('2026-01-01T00:00:00Z') };
    await elector(lease, 'a', clock).tryAcquireOrRenew();
    const racing: LeaseClient = { ...lease, update: async () => false };
    clock.now += 60_000;
    expect(await elector(racing, 'b', clock).tryAcquireOrRenew()).toBe(false);
  });

  test('renewTime is a MicroTime with six fractional digits', async () => {
    const lease = memoryLease();
    await elector(lease, 'a', { now: Date.parse('2026-01-01T00:00:00.123Z') }).tryAcquireOrRenew();
    expect(lease.stored?.record.renewTime).toBe('2026-01-01T00:00:00.123000Z');
  });
});

describe('LeaderElector run loop', () => {
  test('leads, and on stop stops the work and releases the Lease for the next replica', async () => {
    const lease = memoryLease();
    const events: string[] = [];
    const leader = new LeaderElector({
      lease,
      identity: 'a',
      logger,
      timing: { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 10 },
      onStartedLeading: () => events.push('started'),
      onStoppedLeading: async () => {
        events.push('stopped');
      },
    });
    leader.start();
    await expect.poll(() => leader.isLeader).toBe(true);
    await leader.stop();
    expect(events).toEqual(['started', 'stopped']);
    expect(lease.stored?.record.holderIdentity).toBe('');
    const clock = { now: Date.now() + 2_000 };
    const next = elector(lease, 'b', clock);
    expect(await next.tryAcquireOrRenew()).toBe(true);
  });
});
