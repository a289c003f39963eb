// The only errors storage throws. The registry maps each to a Kubernetes Status; anything else
// escaping a driver is an internal error.

export class StorageError extends Error {
  readonly key: string | undefined;
  constructor(message: string, key?: string) {
    super(message);
    this.name = new.target.name;
    this.key = key;
  }
}

export class KeyNotFoundError extends StorageError {}

export class KeyExistsError extends StorageError {}

export class RevisionConflictError extends StorageError {
  readonly actualRevision: number;
  constructor(key: string, actualRevision: number) {
    super(`revision conflict on ${key}`, key);
    this.actualRevision = actualRevision;
  }
}

/** A read or watch asked for history older than what is kept. */
export class CompactedError extends StorageError {
  readonly requestedRevision: number;
  readonly compactedRevision: number;
  constructor(requestedRevision: number, compactedRevision: number) {
    super(`revision ${requestedRevision} has been compacted (oldest available ${compactedRevision})`);
    this.requestedRevision = requestedRevision;
    this.compactedRevision = compactedRevision;
  }
}

/** A revision newer than anything the store has seen. */
export class FutureRevisionError extends StorageError {
  readonly requestedRevision: number;
  constructor(requestedRevision: number) {
    super(`revision ${requestedRevision} is newer than the store's current revision`);
    this.requestedRevision = requestedRevision;
  }
}

/** The backend cannot be reached or answered with a failure; retrying may help. */
export class StorageUnavailableError extends StorageError {}
