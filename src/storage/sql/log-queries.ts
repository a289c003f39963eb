// Every statement on the kamaji_log tables, written once for both databases. Reads of the log
// after a revision also return the compacted revision from the same statement (so the same
// snapshot): the watch feed can tell for sure whether compaction removed rows it needed.

import type { SqlDialect, SqlExecutor, SqlParam, SqlRow } from './dialect.ts';
import { keyCondition } from './key-range.ts';
import { GAP_NAME, LOG_COLUMNS, toLogRow, type LogRow } from './log-row.ts';

export interface CompactedRows {
  compacted: number;
  rows: LogRow[];
}

export interface NewLogRow {
  name: string;
  created: boolean;
  deleted: boolean;
  createRevision: number;
  prevRevision: number;
  value: Uint8Array;
}

const INSERT_LOG_ROW =
  'INSERT INTO kamaji_log (name, created, deleted, create_revision, prev_revision, value) VALUES (?, ?, ?, ?, ?, ?)';

export class LogQueries {
  readonly #db: SqlDialect;

  constructor(db: SqlDialect) {
    this.#db = db;
  }

  /** The newest row of a key (a tombstone if it was deleted last), optionally locked for this transaction. */
  async latest(key: string, executor: SqlExecutor = this.#db, lock = false): Promise<LogRow | undefined> {
    const rows = await executor.query(
      `SELECT ${LOG_COLUMNS} FROM kamaji_log l WHERE l.name = ? ORDER BY l.id DESC LIMIT 1${lock ? ' FOR UPDATE' : ''}`,
      [key],
    );
    return rows[0] === undefined ? undefined : toLogRow(rows[0]);
  }

  insert(row: NewLogRow, executor: SqlExecutor = this.#db): Promise<number> {
    return executor.insertLogRow(INSERT_LOG_ROW, [
      row.name,
      row.created,
      row.deleted,
      row.createRevision,
      row.prevRevision,
      row.value,
    ]);
  }

  /** Claims revision `id` with a filler row. Waits for a writer holding that id; fails if it commits. */
  async fillGap(id: number): Promise<void> {
    await this.#db.query(
      'INSERT INTO kamaji_log (id, name, created, deleted, create_revision, prev_revision, value) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [id, GAP_NAME, false, true, 0, id, new Uint8Array()],
    );
  }

  /**
   * Current values under a prefix as of `revision`, sorted by key: rows with no newer row of their key
   * up to that revision (an anti-join the databases run in key order straight off the (name, id) index).
   */
  async listAt(revision: number, prefix: string, startAfter: string | undefined, limit: number | undefined): Promise<LogRow[]> {
    const keys = keyCondition('l.name', prefix, startAfter);
    const params: SqlParam[] = [...keys.params, revision, revision];
    let limitSql = '';
    if (limit !== undefined) {
      limitSql = ' LIMIT ?';
      params.push(limit);
    }
    const rows = await this.#db.query(
      `SELECT ${LOG_COLUMNS} FROM kamaji_log l
        WHERE ${keys.sql} AND l.id <= ? AND l.deleted = FALSE
          AND NOT EXISTS (SELECT 1 FROM kamaji_log n WHERE n.name = l.name AND n.id > l.id AND n.id <= ?)
        ORDER BY l.name${limitSql}`,
      params,
    );
    return rows.map(toLogRow);
  }

  async count(prefix: string): Promise<number> {
    const keys = keyCondition('l.name', prefix);
    const rows = await this.#db.query(
      `SELECT COUNT(*) AS n FROM kamaji_log l
        WHERE ${keys.sql} AND l.deleted = FALSE
          AND NOT EXISTS (SELECT 1 FROM kamaji_log n WHERE n.name = l.name AND n.id > l.id)`,
      keys.params,
    );
    return Number(rows[0]?.['n'] ?? 0);
  }

  /**
   * Rows after `after`, oldest first, with the previous row's value joined (watch events carry it).
   * Limited to keys under `prefix` and revisions up to `upTo` when given. Gap fillers included.
   */
  rowsAfter(after: number, limit: number, options: { prefix?: string; upTo?: number } = {}): Promise<CompactedRows> {
    const conditions = ['l.id > ?'];
    const params: SqlParam[] = [after];
    if (options.upTo !== undefined) {
      conditions.push('l.id <= ?');
      params.push(options.upTo);
    }
    if (options.prefix !== undefined) {
      const keys = keyCondition('l.name', options.prefix);
      conditions.push(keys.sql);
      params.push(...keys.params);
    }
    params.push(limit);
    return this.#withCompacted(
      // The previous value by primary key, per row (a join would let the planner scan the whole log).
      `SELECT ${LOG_COLUMNS},
              CASE WHEN l.created THEN NULL
                   ELSE (SELECT p.value FROM kamaji_log p WHERE p.id = l.prev_revision AND p.id <> l.id) END AS prev_value
         FROM kamaji_log l
        WHERE ${conditions.join(' AND ')} ORDER BY l.id LIMIT ?`,
      params,
      'id',
    );
  }

  /** Only the ids after `after`: enough to resolve revisions when nobody watches. */
  async idsAfter(after: number, limit: number): Promise<{ compacted: number; ids: number[] }> {
    const rows = await this.#db.query(
      `SELECT c.revision AS compacted, r.id FROM kamaji_compaction c
         LEFT JOIN (SELECT id FROM kamaji_log WHERE id > ? ORDER BY id LIMIT ?) r ON 1 = 1 ORDER BY r.id`,
      [after, limit],
    );
    return {
      compacted: Number(rows[0]?.['compacted'] ?? 0),
      ids: rows.filter((row) => row['id'] !== null && row['id'] !== undefined).map((row) => Number(row['id'])),
    };
  }

  async maxRevision(): Promise<number> {
    const rows = await this.#db.query('SELECT MAX(id) AS id FROM kamaji_log');
    return Number(rows[0]?.['id'] ?? 0);
  }

  async compactedRevision(): Promise<number> {
    const rows = await this.#db.query('SELECT revision FROM kamaji_compaction');
    return Number(rows[0]?.['revision'] ?? 0);
  }

  /** Raises the compacted revision (never lowers it); returns the previous one. */
  async raiseCompactedRevision(revision: number): Promise<number> {
    return this.#db.transaction(async (tx) => {
      const rows = await tx.query('SELECT revision FROM kamaji_compaction FOR UPDATE');
      const previous = Number(rows[0]?.['revision'] ?? 0);
      if (revision > previous) await tx.query('UPDATE kamaji_compaction SET revision = ?', [revision]);
      return previous;
    });
  }

  /** Removes, for writes with ids in (from, to], the rows they superseded and the tombstones themselves. */
  async deleteHistory(from: number, to: number): Promise<void> {
    await this.#db.query(this.#db.statements.deleteSuperseded, [from, to]);
    await this.#db.query('DELETE FROM kamaji_log WHERE deleted = TRUE AND id > ? AND id <= ?', [from, to]);
  }

  // The compacted revision rides along as a column of a one-row table left-joined to the result, so it
  // comes back even when no row matches.
  async #withCompacted(sql: string, params: SqlParam[], orderColumn: string): Promise<CompactedRows> {
    const rows: SqlRow[] = await this.#db.query(
      `SELECT c.revision AS compacted, r.* FROM kamaji_compaction c LEFT JOIN (${sql}) r ON 1 = 1 ORDER BY r.${orderColumn}`,
      params,
    );
    return {
      compacted: Number(rows[0]?.['compacted'] ?? 0),
      rows: rows.filter((row) => row['id'] !== null && row['id'] !== undefined).map(toLogRow),
    };
  }
}
