// What every throwaway datastore launcher (etcd.ts, postgres.ts, mariadb.ts, kine.ts) returns.
import { randomBytes } from 'node:crypto';

export type Datastore<Credentials> = {
  /** Where clients connect: `http(s)://host:port` for etcd and kine, a URL with the credentials for SQL. */
  endpoint: string;
  host: string;
  port: number;
  credentials: Credentials;
  /** Ends the server the way its kind restarts, waits `downMs`, and starts it again on the same data and port. */
  restart(downMs?: number): Promise<void>;
  /** Ends the server and removes its data. */
  stop(): Promise<void>;
};

/** The administrator of a SQL server: every privilege, password authentication. */
export type SqlCredentials = { user: string; password: string; database: string };

/** Serve TLS only, with this certificate and key (PEM); plain connections are refused. */
export type ServerTls = { cert: string; key: string };

export type SqlDatastore = Datastore<SqlCredentials> & {
  /** Creates an empty database `name` (lower case, digits, `_`) and returns its URL, with the credentials. */
  createDatabase(name: string): Promise<string>;
  /** A raw connection to a database, for reading the storage's log and holding transactions open. */
  raw(url: string): Promise<RawConnection>;
};

export type RawConnection = {
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  /** How many transactions wait for a lock right now. */
  lockWaits(): Promise<number>;
  /** Inserts a create of `key` into the storage's log the way the driver would, returning its revision. */
  insertCreate(key: string, value: string): Promise<number>;
  close(): Promise<void>;
};

export function newPassword(): string {
  return randomBytes(12).toString('hex');
}

/** `name`, once known to be lower case letters, digits and `_`: nothing in it can break out of the quotes around it in SQL. */
export function checkedDatabaseName(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`database name ${JSON.stringify(name)} must be lower case letters, digits and _ (at most 63)`);
  return name;
}
