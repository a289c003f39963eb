// Creates and migrates the log's tables on start, under a database-wide lock so that replicas
// starting together do it once. kamaji_schema_version holds the version of the tables; a database
// whose tables were written by a newer Kamaji-TS, or that has a kamaji_log this code did not
// create, is refused with a message saying what to do instead of being touched.

import { StorageError } from '../errors.ts';
import type { SqlDialect, SqlExecutor } from './dialect.ts';

/** The schema version this code reads and writes. */
export const SCHEMA_VERSION = 1;

/**
 * Steps from version N-1 to N, by N. Version 1 is created whole by the dialect; a later version
 * adds its statements here (each dialect's, since DDL differs) and bumps SCHEMA_VERSION.
 */
const MIGRATIONS: ReadonlyMap<number, (db: SqlDialect) => readonly string[]> = new Map();

const TABLES = ['kamaji_schema_version', 'kamaji_log', 'kamaji_compaction'] as const;

/** The database holds tables this Kamaji-TS cannot use; starting would risk the data. */
export class IncompatibleSchemaError extends StorageError {}

export async function migrateSchema(db: SqlDialect): Promise<void> {
  await db.withSchemaLock(async (executor) => {
    const existing = await existingTables(db, executor);
    if (!existing.has('kamaji_schema_version')) {
      const found = TABLES.filter((table) => existing.has(table));
      if (found.length > 0) {
        throw new IncompatibleSchemaError(
          `${db.name} storage: the database has table(s) ${found.join(', ')} but no kamaji_schema_version, so they ` +
            'were not created by Kamaji-TS; point --storage-url at an empty database or schema',
        );
      }
      for (const statement of db.statements.createSchema) await executor.query(statement);
      return;
    }
    const rows = await executor.query('SELECT version FROM kamaji_schema_version');
    if (rows.length !== 1) {
      throw new IncompatibleSchemaError(
        `${db.name} storage: kamaji_schema_version must hold exactly one row, it holds ${rows.length}; the schema is damaged`,
      );
    }
    const version = Number(rows[0]!['version']);
    if (version > SCHEMA_VERSION) {
      throw new IncompatibleSchemaError(
        `${db.name} storage: the database schema is version ${version}, written by a newer Kamaji-TS; this one ` +
          `understands up to version ${SCHEMA_VERSION}. Upgrade Kamaji-TS instead of downgrading it`,
      );
    }
    for (let next = version + 1; next <= SCHEMA_VERSION; next++) {
      const steps = MIGRATIONS.get(next);
      if (steps === undefined) throw new IncompatibleSchemaError(`${db.name} storage: no migration to schema version ${next}`);
      for (const statement of steps(db)) await executor.query(statement);
      await executor.query('UPDATE kamaji_schema_version SET version = ?', [next]);
    }
  });
}

async function existingTables(db: SqlDialect, executor: SqlExecutor): Promise<Set<string>> {
  const rows = await executor.query(db.statements.existingTables(TABLES.length), [...TABLES]);
  return new Set(rows.map((row) => String(row['table_name'] ?? row['TABLE_NAME'])));
}
