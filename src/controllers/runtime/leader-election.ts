// Leader election over a coordination.k8s.io/v1 Lease, as client-go's leaderelection does it:
// candidates try every retry period; the holder renews every retry period and gives up when it
// could not renew within the renew deadline; a lease counts as held while the holder's record
// changed less than one lease duration ago *by our own clock* (no trust in others' clocks).
import type { Logger } from 'pino';
import { errorMessage } from './controller.ts';

export interface LeaseRecord {
  holderIdentity: string;
  leaseDurationSeconds: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions: number;
}

/** Reads and writes one Lease; write methods resolve false on a conflict (someone else wrote). */
export interface LeaseClient {
  get(): Promise<{ record: LeaseRecord; resourceVersion: string } | undefined>;
  create(record: LeaseRecord): Promise<boolean>;
  update(record: LeaseRecord, resourceVersion: string): Promise<boolean>;
}

export interface LeaderElectionTiming {
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

/** client-go's (and controller-runtime's) defaults. */
export const defaultLeaderElectionTiming: LeaderElectionTiming = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
};

export interface LeaderElectorOptions {
  lease: LeaseClient;
  identity: string;
  timing?: LeaderElectionTiming;
  onStartedLeading: () => void;
  /** Called when leadership is lost or released; resolves once the work it started has stopped. */
  onStoppedLeading: () => Promise<void>;
  logger: Logger;
  now?: () => Date;
}

/** MicroTime as the API server writes it: RFC 3339 with exactly six fractional digits. */
export function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export class LeaderElector {
  readonly #options: LeaderElectorOptions;
  readonly #timing: LeaderElectionTiming;
  readonly #now: () => Date;
  #observed: { record: LeaseRecord; at: number } | undefined;
  #leading = false;
  #stopped = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;

  constructor(options: LeaderElectorOptions) {
    this.#options = options;
    this.#timing = options.timing ?? defaultLeaderElectionTiming;
    this.#now = options.now ?? (() => new Date());
  }

  get isLeader(): boolean {
    return this.#leading;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /** Stops campaigning; a leader stops its work and releases the Lease so another takes over at once. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wake?.();
    await this.#loop;
  }

  async #run(): Promise<void> {
    const { logger } = this.#options;
    while (!this.#stopped) {
      if (await this.tryAcquireOrRenew()) {
        logger.info({ identity: this.#options.identity }, 'became leader');
        this.#leading = true;
        this.#options.onStartedLeading();
        await this.#renewUntilLost();
        this.#leading = false;
        await this.#options.onStoppedLeading();
        if (this.#stopped) await this.#release();
        else logger.warn({ identity: this.#options.identity }, 'lost leadership');
      } else {
        await this.#sleep(this.#timing.retryPeriodMs);
      }
    }
  }

  async #renewUntilLost(): Promise<void> {
    let lastRenew = Date.now();
    while (!this.#stopped) {
      await this.#sleep(this.#timing.retryPeriodMs);
      if (this.#stopped) return;
      if (await this.tryAcquireOrRenew()) lastRenew = Date.now();
      else if (Date.now() - lastRenew >= this.#timing.renewDeadlineMs) return;
    }
  }

  /** One attempt: true when we hold the Lease afterwards. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const { lease, identity, logger } = this.#options;
    const now = this.#now();
    const leaseDurationSeconds = Math.round(this.#timing.leaseDurationMs / 1000);
    try {
      const current = await lease.get();
      if (!current) {
        const record: LeaseRecord = {
          holderIdentity: identity,
          leaseDurationSeconds,
          acquireTime: microTime(now),
          renewTime: microTime(now),
          leaseTransitions: 0,
        };
        const created = await lease.create(record);
        if (created) this.#observe(record, now);
        return created;
      }
      this.#observe(current.record, now);
      const held = current.record.holderIdentity !== '' && current.record.holderIdentity !== identity;
      const expiresAt = (this.#observed?.at ?? 0) + current.record.leaseDurationSeconds * 1000;
      if (held && expiresAt > now.getTime()) return false;
      const takingOver = current.record.holderIdentity !== identity;
      const record: LeaseRecord = {
        holderIdentity: identity,
        leaseDurationSeconds,
        acquireTime: takingOver ? microTime(now) : current.record.acquireTime,
        renewTime: microTime(now),
        leaseTransitions: current.record.leaseTransitions + (takingOver ? 1 : 0),
      };
      const updated = await lease.update(record, current.resourceVersion);
      if (updated) this.#observe(record, now);
      return updated;
    } catch (error) {
      logger.warn({ err: errorMessage(error) }, 'leader election: cannot read or write the Lease');
      return false;
    }
  }

  #observe(record: LeaseRecord, now: Date): void {
    const previous = this.#observed?.record;
    const changed =
      !previous ||
      previous.holderIdentity !== record.holderIdentity ||
      previous.renewTime !== record.renewTime ||
      previous.leaseTransitions !== record.leaseTransitions;
    if (changed) this.#observed = { record, at: now.getTime() };
  }

  async #release(): Promise<void> {
    const { lease, identity, logger } = this.#options;
    try {
      const current = await lease.get();
      if (!current || current.record.holderIdentity !== identity) return;
      const now = microTime(this.#now());
      await lease.update(
        { ...current.record, holderIdentity: '', leaseDurationSeconds: 1, acquireTime: now, renewTime: now },
        current.resourceVersion,
      );
      logger.info({ identity }, 'released leadership');
    } catch (error) {
      logger.warn({ err: errorMessage(error) }, 'could not release the Lease; it expires on its own');
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
