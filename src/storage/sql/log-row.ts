// One row of kamaji_log, as read back from either database, and what it means to the contract.

import type { StoredValue, StorageWatchEvent } from '../storage.ts';
import type { SqlRow } from './dialect.ts';

export interface LogRow {
  /** The revision of this write. */
  id: number;
  name: string;
  created: boolean;
  deleted: boolean;
  /** Stored as 0 on creates (the id is not known before the insert); use `createRevisionOf`. */
  createRevision: number;
  prevRevision: number;
  /** Empty for tombstones: the deleted value is the previous row's. */
  value: Uint8Array;
  /** The previous row's value, when the query joined it. */
  prevValue: Uint8Array | undefined;
}

/** Columns every log query selects, from the row aliased `l`. */
export const LOG_COLUMNS = 'l.id, l.name, l.created, l.deleted, l.create_revision, l.prev_revision, l.value';

/** A gap filler: claims a revision that no write will ever use. */
export const GAP_NAME = '';

export function toLogRow(row: SqlRow): LogRow {
  return {
    id: Number(row['id']),
    name: toText(row['name']),
    created: toBoolean(row['created']),
    deleted: toBoolean(row['deleted']),
    createRevision: Number(row['create_revision']),
    prevRevision: Number(row['prev_revision']),
    value: toBytes(row['value']) ?? new Uint8Array(),
    prevValue: toBytes(row['prev_value']),
  };
}

export function createRevisionOf(row: LogRow): number {
  return row.created ? row.id : row.createRevision;
}

export function toStoredValue(row: LogRow): StoredValue {
  return { key: row.name, value: row.value, createRevision: createRevisionOf(row), modRevision: row.id };
}

export function toWatchEvent(row: LogRow): StorageWatchEvent {
  const createRevision = createRevisionOf(row);
  if (row.deleted) {
    const value = row.prevValue ?? new Uint8Array();
    return { type: 'delete', key: row.name, value, prevValue: value, modRevision: row.id, createRevision };
  }
  const event: StorageWatchEvent = { type: 'put', key: row.name, value: row.value, modRevision: row.id, createRevision };
  if (!row.created && row.prevValue !== undefined) event.prevValue = row.prevValue;
  return event;
}

function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8');
  throw new TypeError(`unexpected name column type ${typeof value}`);
}

function toBoolean(value: unknown): boolean {
  return value === true || value === 1 || value === '1';
}

// Drivers hand back Buffers; the contract speaks plain Uint8Array (a view, no copy).
function toBytes(value: unknown): Uint8Array | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Uint8Array) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw new TypeError(`unexpected value column type ${typeof value}`);
}
