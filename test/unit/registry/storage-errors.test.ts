import { describe, expect, test } from 'vitest';
import pino from 'pino';
import { Writable } from 'node:stream';
import {
  CompactedError,
  FutureRevisionError,
  KeyExistsError,
  KeyNotFoundError,
  RevisionConflictError,
  StorageUnavailableError,
} from '../../../src/storage/errors.ts';
import { toApiError } from '../../../src/registry/storage-errors.ts';
import { newStorage, newStore, statusOf } from './fixtures.ts';

const resource = { group: 'example.kamaji.io', resource: 'widgets' };

describe('storage errors as Status', () => {
  test.each([
    [new KeyNotFoundError('k'), 404, 'NotFound', 'widgets.example.kamaji.io "a" not found'],
    [new KeyExistsError('k'), 409, 'AlreadyExists', 'widgets.example.kamaji.io "a" already exists'],
    [
      new RevisionConflictError('k', 3),
      409,
      'Conflict',
      'Operation cannot be fulfilled on widgets.example.kamaji.io "a": the object has been modified; please apply your changes to the latest version and try again',
    ],
    [new CompactedError(2, 5), 410, 'Expired', 'The resourceVersion for the provided list is too old.'],
    [new FutureRevisionError(99), 504, 'Timeout', 'Timeout: Too large resource version: 99'],
    [new StorageUnavailableError('db down'), 503, 'ServiceUnavailable', 'the storage backend is unavailable, please try again'],
    [new Error('secret connection string'), 500, 'InternalError', 'Internal error occurred: an error on the server has prevented the request from succeeding'],
  ])('%s', (error, code, reason, message) => {
    expect(toApiError(error, resource, 'a').status).toMatchObject({ code, reason, message });
  });

  test('an unexpected storage failure is a 500 without the cause, which goes to the log once', async () => {
    const lines: string[] = [];
    const logger = pino(
      { level: 'error' },
      new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const storage = newStorage();
    storage.get = async () => {
      throw new Error('password=hunter2 refused');
    };
    const { store } = newStore({ logger }, storage);
    const status = await statusOf(() => store.get('ns1', 'a'));
    expect(status).toMatchObject({ code: 500, reason: 'InternalError' });
    expect(JSON.stringify(status)).not.toContain('hunter2');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ resource: 'widgets', name: 'a', msg: 'storage request failed' });
    store.close();
  });
});
