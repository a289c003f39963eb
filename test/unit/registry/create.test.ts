import { describe, expect, test } from 'vitest';
import type { KubeObject } from '../../../src/apis/meta.ts';
import { gadgets, setup, statusOf, user, widget, widgets } from './fixtures.ts';


describe('create', () => {
  test('sets uid, creationTimestamp, generation and resourceVersion; applies defaults', async () => {
    const clock = () => new Date('2026-01-02T03:04:05.678Z');
    const { store, storage } = setup({ clock });
    const { object, created, warnings } = await store.create('ns1', widget('a', {}), { user });
    expect(created).toBe(true);
    expect(warnings).toEqual([]);
    expect(object.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(object.metadata.creationTimestamp).toBe('2026-01-02T03:04:05Z');
    expect(object.metadata.generation).toBe(1);
    expect(object.metadata.namespace).toBe('ns1');
    expect(object.metadata.resourceVersion).toBe(String(await storage.currentRevision()));
    expect(object.spec).toEqual({ size: 1, owner: 'default' });
    const got = await store.get('ns1', 'a');
    expect(got).toEqual(object);
  });

  test('resourceVersion is not stored in the bytes', async () => {
    const { store, storage } = setup();
    await store.create('ns1', widget('a'), { user });
    const stored = await storage.get('/example.kamaji.io/widgets/ns1/a');
    expect(JSON.parse(new TextDecoder().decode(stored!.value)).metadata.resourceVersion).toBeUndefined();
  });

  test('clears client-set deletion state and ignores status on the main resource', async () => {
    const { store } = setup();
    const body = widget('a', { size: 2 }, { status: { phase: 'Ready' } });
    body.metadata.deletionTimestamp = '2020-01-01T00:00:00Z';
    body.metadata.deletionGracePeriodSeconds = 30;
    body.metadata.generation = 7;
    const { object } = await store.create('ns1', body, { user });
    expect(object.metadata.deletionTimestamp).toBeUndefined();
    expect(object.metadata.deletionGracePeriodSeconds).toBeUndefined();
    expect(object.metadata.generation).toBe(1);
    expect(object.status).toBeUndefined();
  });

  test('existing name: 409 AlreadyExists', async () => {
    const { store } = setup();
    await store.create('ns1', widget('a'), { user });
    const status = await statusOf(() => store.create('ns1', widget('a'), { user }));
    expect(status).toMatchObject({
      code: 409,
      reason: 'AlreadyExists',
      message: 'widgets.example.kamaji.io "a" already exists',
      details: { name: 'a', group: 'example.kamaji.io', kind: 'widgets' },
    });
  });

  test('generateName appends five random characters', async () => {
    const { store } = setup();
    const body = widget('');
    body.metadata = { generateName: 'w-' };
    const { object } = await store.create('ns1', body, { user });
    expect(object.metadata.name).toMatch(/^w-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  test('generateName that keeps colliding: 409 AlreadyExists with retryAfterSeconds', async () => {
    const { store } = setup({ nameGenerator: (prefix) => `${prefix}fixed` });
    const body = () => ({ ...widget(''), metadata: { generateName: 'w-' } });
    await store.create('ns1', body(), { user });
    const status = await statusOf(() => store.create('ns1', body(), { user }));
    expect(status).toMatchObject({
      code: 409,
      reason: 'AlreadyExists',
      message: 'widgets.example.kamaji.io "w-fixed" already exists, the server was not able to generate a unique name for the object',
      details: { name: 'w-fixed', retryAfterSeconds: 1 },
    });
  });

  test('namespace: filled when empty, 400 on mismatch', async () => {
    const { store } = setup();
    const body = widget('a');
    body.metadata.namespace = 'other';
    const status = await statusOf(() => store.create('ns1', body, { user }));
    expect(status).toMatchObject({
      code: 400,
      reason: 'BadRequest',
      message: 'the namespace of the provided object does not match the namespace sent on the request',
    });
  });

  test('cluster-scoped kinds drop the namespace', async () => {
    const { store } = setup({}, undefined, gadgets);
    const body = { ...widget('g'), kind: 'Gadget' } as KubeObject;
    body.metadata.namespace = 'ns1';
    const { object } = await store.create(undefined, body, { user });
    expect(object.metadata.namespace).toBeUndefined();
    expect((await store.get(undefined, 'g')).metadata.name).toBe('g');
  });

  test('invalid name: 422 Invalid naming metadata.name', async () => {
    const { store } = setup();
    const status = await statusOf(() => store.create('ns1', widget('Bad_Name'), { user }));
    expect(status.code).toBe(422);
    expect(status.reason).toBe('Invalid');
    expect(status.message).toBe(
      `Widget.example.kamaji.io "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    );
    expect(status.details).toMatchObject({ name: 'Bad_Name', group: 'example.kamaji.io', kind: 'Widget' });
  });

  test('a kind may require DNS-1035 label names', async () => {
    const { store } = setup({}, undefined, { ...widgets, nameFormat: 'dns1035-label' });
    const status = await statusOf(() => store.create('ns1', widget('1abc'), { user }));
    expect(status.code).toBe(422);
    expect(status.message).toContain('metadata.name: Invalid value: "1abc": a DNS-1035 label must consist of');
  });

  test('missing name and generateName: 422 Required', async () => {
    const { store } = setup();
    const status = await statusOf(() => store.create('ns1', { ...widget(''), metadata: {} }, { user }));
    expect(status.message).toBe('Widget.example.kamaji.io "" is invalid: metadata.name: Required value: name or generateName is required');
  });

  test('labels, annotations, finalizers and ownerReferences are validated', async () => {
    const { store } = setup();
    const body = widget('a');
    body.metadata.labels = { 'bad key!': 'v', ok: 'bad value!' };
    body.metadata.annotations = { 'a/b/c': 'x' };
    body.metadata.finalizers = ['example.com/ok', 'not valid!'];
    body.metadata.ownerReferences = [{ apiVersion: 'v1', kind: '', name: 'x', uid: '' }];
    const status = await statusOf(() => store.create('ns1', body, { user }));
    const fields = (status.details!.causes as { field: string }[]).map((c) => c.field);
    expect(fields).toEqual([
      'metadata.labels',
      'metadata.labels',
      'metadata.annotations',
      'metadata.ownerReferences.kind',
      'metadata.ownerReferences.uid',
      'metadata.finalizers',
    ]);
  });

  test('finalizers without a domain/path form are accepted with a warning', async () => {
    const { store } = setup();
    const body = widget('a', { size: 2 }, { metadata: { name: 'a', finalizers: ['keep', 'example.com/keep', 'orphan'] } });
    const { warnings } = await store.create('ns1', body, { user });
    expect(warnings).toEqual([
      'metadata.finalizers: "keep": prefer a domain-qualified finalizer name including a path (/) to avoid accidental conflicts with other finalizer writers',
    ]);
  });

  test('annotations above 256 KiB: 422 Too long', async () => {
    const { store } = setup();
    const body = widget('a');
    body.metadata.annotations = { big: 'x'.repeat(256 * 1024) };
    const status = await statusOf(() => store.create('ns1', body, { user }));
    expect(status.message).toBe('Widget.example.kamaji.io "a" is invalid: metadata.annotations: Too long: may not be more than 262144 bytes');
  });

  test('schema and kind validation: 422 with every cause', async () => {
    const { store } = setup();
    const status = await statusOf(() => store.create('ns1', widget('a', { size: 0, color: 'green' }), { user }));
    expect(status.code).toBe(422);
    const fields = (status.details!.causes as { field: string }[]).map((c) => c.field).sort();
    expect(fields).toEqual(['spec.color', 'spec.size']);
    const kindRule = await statusOf(() => store.create('ns1', widget('b', { size: 11, color: 'blue' }), { user }));
    expect(kindRule.message).toBe('Widget.example.kamaji.io "b" is invalid: spec.size: Invalid value: 11: blue widgets are at most 10');
  });

  test('unknown fields: Strict 400, Warn warns and prunes, Ignore prunes', async () => {
    const { store } = setup();
    const body = () => widget('a', { size: 2, foo: 1, extra: { kept: true } });
    const strict = await statusOf(() => store.create('ns1', body(), { user, fieldValidation: 'Strict' }));
    expect(strict).toMatchObject({ code: 400, reason: 'BadRequest', message: 'strict decoding error: unknown field "spec.foo"' });
    const warned = await store.create('ns1', body(), { user, fieldValidation: 'Warn' });
    expect(warned.warnings).toEqual(['unknown field "spec.foo"']);
    expect(warned.object.spec).toEqual({ size: 2, owner: 'default', extra: { kept: true } });
    const ignored = await store.create('ns2', body(), { user, fieldValidation: 'Ignore' });
    expect(ignored.warnings).toEqual([]);
    expect(ignored.object.spec!.foo).toBeUndefined();
    const defaulted = await store.create('ns3', body(), { user });
    expect(defaulted.warnings).toEqual(['unknown field "spec.foo"']);
  });

  test('wrong apiVersion or kind: 400', async () => {
    const { store } = setup();
    const status = await statusOf(() => store.create('ns1', { ...widget('a'), apiVersion: 'other/v1' }, { user }));
    expect(status).toMatchObject({
      code: 400,
      message: 'the API version in the data (other/v1) does not match the expected API version (example.kamaji.io/v1)',
    });
  });

  test('dryRun validates and answers but persists nothing', async () => {
    const { store, storage } = setup();
    const before = await storage.currentRevision();
    const { object } = await store.create('ns1', widget('a'), { user, dryRun: true });
    expect(object.metadata.uid).toBeDefined();
    expect(await storage.currentRevision()).toBe(before);
    expect((await statusOf(() => store.get('ns1', 'a'))).code).toBe(404);
    const invalid = await statusOf(() => store.create('ns1', widget('a', { size: 0 }), { user, dryRun: true }));
    expect(invalid.code).toBe(422);
  });

  test('managedFields record the writer (fieldManager or User-Agent prefix)', async () => {
    const { store } = setup();
    const { object } = await store.create('ns1', widget('a'), { user, userAgent: 'kubectl/v1.34.0 (linux/amd64)' });
    expect(object.metadata.managedFields).toMatchObject([
      { manager: 'kubectl', operation: 'Update', apiVersion: 'example.kamaji.io/v1', fieldsType: 'FieldsV1' },
    ]);
    expect(object.metadata.managedFields![0]!.fieldsV1).toHaveProperty(['f:spec', 'f:size']);
  });

  test('fieldManager longer than 128 characters: 422 on CreateOptions', async () => {
    const { store } = setup();
    const status = await statusOf(() => store.create('ns1', widget('a'), { user, fieldManager: 'x'.repeat(129) }));
    expect(status).toMatchObject({ code: 422, message: 'CreateOptions.meta.k8s.io "" is invalid: fieldManager: Too long: may not be more than 128 bytes' });
  });

  test('admission hooks see the final object; their field errors are 422', async () => {
    const seen: string[] = [];
    const { store } = setup({
      admission: [
        async (request) => {
          seen.push(`${request.operation} ${request.object?.metadata.name} ${request.object?.metadata.uid ? 'uid' : ''} ${request.dryRun}`);
          if (request.object?.spec?.owner === 'missing') {
            return [{ type: 'FieldValueNotSupported', field: 'spec.owner', value: 'missing', detail: 'datastore "missing" not found' }];
          }
        },
      ],
    });
    await store.create('ns1', widget('a'), { user });
    const status = await statusOf(() => store.create('ns1', widget('b', { owner: 'missing' }), { user, dryRun: true }));
    expect(status.code).toBe(422);
    expect(status.details).toMatchObject({ causes: [{ field: 'spec.owner', reason: 'FieldValueNotSupported' }] });
    expect(seen).toEqual(['CREATE a uid false', 'CREATE b uid true']);
  });
});
