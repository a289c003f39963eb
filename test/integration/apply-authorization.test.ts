// A server-side apply that creates its object is a create: a user who may patch tcps but not create
// them gets kube-apiserver's 403 and nothing is stored; an apply to an existing object needs patch
// only; a user who may create gets the object.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SubjectAccessReviewer } from '../../src/apiserver/authorization.ts';
import { G, request, startTestServer, tenantControlPlane, viaFrontProxy, type TestServer } from './support/server.ts';

/** alice may get and patch tcps; bob may also create them. Everyone else nothing. */
const reviewer: SubjectAccessReviewer = {
  review: async ({ user, resourceAttributes }) => {
    const verbs = user === 'alice' ? ['get', 'patch'] : user === 'bob' ? ['get', 'patch', 'create'] : [];
    const allowed = resourceAttributes?.resource === 'tenantcontrolplanes' && verbs.includes(resourceAttributes.verb);
    return allowed ? { allowed: true } : { allowed: false, reason: `${user} may not ${resourceAttributes?.verb}` };
  },
};

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ subjectAccessReviewer: reviewer });
});
afterAll(() => server.close());

const tcp = (name: string) => `${G}/namespaces/apply/tenantcontrolplanes/${name}`;
const apply = (name: string, user: string) =>
  request(server, `${tcp(name)}?fieldManager=kubectl`, {
    method: 'PATCH',
    identity: viaFrontProxy(user, ['team-a']),
    headers: { 'Content-Type': 'application/apply-patch+yaml' },
    body: tenantControlPlane(name, 'apply'),
  });
const admin = viaFrontProxy('admin', ['system:masters']);

describe('server-side apply and the create verb', () => {
  it('refuses an apply that would create the object to a user who may patch but not create, and stores nothing', async () => {
    const refused = await apply('new', 'alice');
    expect(refused.status).toBe(403);
    expect(refused.json()).toMatchObject({
      kind: 'Status',
      reason: 'Forbidden',
      details: { name: 'new', group: 'tenancy.kamaji.io', kind: 'tenantcontrolplanes' },
    });
    expect(refused.json().message).toContain('tenantcontrolplanes.tenancy.kamaji.io "new" is forbidden');
    expect((await request(server, tcp('new'), { identity: admin })).status).toBe(404);
  });

  it('creates it for a user who may create', async () => {
    expect((await apply('made', 'bob')).status).toBe(201);
  });

  it('needs only patch for an apply to an object that exists', async () => {
    expect((await apply('existing', 'bob')).status).toBe(201);
    expect((await apply('existing', 'alice')).status).toBe(200);
  });
});
