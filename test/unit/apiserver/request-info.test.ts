import { describe, expect, it } from 'vitest';
import { exactNameFromFieldSelector, requestInfoFor } from '../../../src/apiserver/request-info.ts';

const G = '/apis/tenancy.kamaji.io/v1alpha1';

function info(method: string, pathAndQuery: string) {
  const url = new URL(pathAndQuery, 'https://x');
  return requestInfoFor(method, url.pathname, url.searchParams);
}

describe('requestInfoFor', () => {
  it.each([
    ['GET', `${G}/namespaces/t1/tenantcontrolplanes/prod`, 'get', 't1', 'tenantcontrolplanes', 'prod', ''],
    ['HEAD', `${G}/namespaces/t1/tenantcontrolplanes/prod`, 'get', 't1', 'tenantcontrolplanes', 'prod', ''],
    ['GET', `${G}/namespaces/t1/tenantcontrolplanes`, 'list', 't1', 'tenantcontrolplanes', '', ''],
    ['GET', `${G}/tenantcontrolplanes`, 'list', '', 'tenantcontrolplanes', '', ''],
    ['GET', `${G}/tenantcontrolplanes?watch=true`, 'watch', '', 'tenantcontrolplanes', '', ''],
    ['GET', `${G}/tenantcontrolplanes?watch=1`, 'watch', '', 'tenantcontrolplanes', '', ''],
    ['GET', `${G}/tenantcontrolplanes?watch=yes`, 'watch', '', 'tenantcontrolplanes', '', ''],
    ['GET', `${G}/tenantcontrolplanes?watch=false`, 'list', '', 'tenantcontrolplanes', '', ''],
    ['GET', `${G}/tenantcontrolplanes?watch=0`, 'list', '', 'tenantcontrolplanes', '', ''],
    ['GET', `${G}/watch/namespaces/t1/tenantcontrolplanes`, 'watch', 't1', 'tenantcontrolplanes', '', ''],
    ['GET', `${G}/watch/namespaces/t1/tenantcontrolplanes/prod`, 'watch', 't1', 'tenantcontrolplanes', 'prod', ''],
    ['POST', `${G}/namespaces/t1/tenantcontrolplanes`, 'create', 't1', 'tenantcontrolplanes', '', ''],
    ['POST', `${G}/namespaces/t1/tenantcontrolplanes/prod/join`, 'create', 't1', 'tenantcontrolplanes', 'prod', 'join'],
    ['GET', `${G}/namespaces/t1/tenantcontrolplanes/prod/kubeconfig`, 'get', 't1', 'tenantcontrolplanes', 'prod', 'kubeconfig'],
    ['PUT', `${G}/namespaces/t1/tenantcontrolplanes/prod`, 'update', 't1', 'tenantcontrolplanes', 'prod', ''],
    ['PUT', `${G}/namespaces/t1/tenantcontrolplanes/prod/status`, 'update', 't1', 'tenantcontrolplanes', 'prod', 'status'],
    ['PATCH', `${G}/namespaces/t1/tenantcontrolplanes/prod/status`, 'patch', 't1', 'tenantcontrolplanes', 'prod', 'status'],
    ['DELETE', `${G}/namespaces/t1/tenantcontrolplanes/prod`, 'delete', 't1', 'tenantcontrolplanes', 'prod', ''],
    ['DELETE', `${G}/namespaces/t1/tenantcontrolplanes`, 'deletecollection', 't1', 'tenantcontrolplanes', '', ''],
    ['DELETE', `${G}/datastores`, 'deletecollection', '', 'datastores', '', ''],
    ['GET', `${G}/datastores/default/status`, 'get', '', 'datastores', 'default', 'status'],
  ])('%s %s ⇒ %s', (method, path, verb, namespace, resource, name, subresource) => {
    expect(info(method, path)).toMatchObject({ isResourceRequest: true, verb, namespace, resource, name, subresource });
  });

  it('treats /apis, /apis/<g> and /apis/<g>/<v> as non-resource requests with the lower-cased method', () => {
    for (const path of ['/apis', '/apis/tenancy.kamaji.io', G, `${G}/`, '/healthz', '/openapi/v2', '/api/v1/pods']) {
      expect(info('GET', path)).toEqual({ isResourceRequest: false, path: new URL(path, 'https://x').pathname, verb: 'get' });
    }
    expect(info('POST', '/metrics')).toMatchObject({ isResourceRequest: false, verb: 'post' });
  });

  it('names the object of a list or watch from fieldSelector metadata.name so resourceNames RBAC applies', () => {
    expect(info('GET', `${G}/namespaces/t1/tenantcontrolplanes?watch=1&fieldSelector=metadata.name%3Dprod`)).toMatchObject({
      verb: 'watch',
      name: 'prod',
    });
    expect(info('GET', `${G}/namespaces/t1/tenantcontrolplanes?fieldSelector=metadata.name%3D%3Dprod`)).toMatchObject({
      verb: 'list',
      name: 'prod',
    });
    expect(info('GET', `${G}/tenantcontrolplanes?fieldSelector=metadata.name!%3Dprod`)).toMatchObject({ name: '' });
    expect(info('GET', `${G}/tenantcontrolplanes?fieldSelector=metadata.name%3D..`)).toMatchObject({ name: '' });
    // deletecollection does not take the selector's name: its verb was never `get`.
    expect(info('DELETE', `${G}/namespaces/t1/tenantcontrolplanes?fieldSelector=metadata.name%3Dprod`)).toMatchObject({
      verb: 'deletecollection',
      name: '',
    });
  });

  it('keeps the namespace for the namespace object itself', () => {
    expect(info('GET', `${G}/namespaces/t1`)).toMatchObject({ resource: 'namespaces', name: 't1', namespace: 't1' });
  });
});

describe('exactNameFromFieldSelector', () => {
  it('finds the name among several terms and undoes escapes', () => {
    expect(exactNameFromFieldSelector('metadata.namespace=t1,metadata.name=a\\,b')).toBe('a,b');
    expect(exactNameFromFieldSelector('metadata.namespace=t1')).toBeUndefined();
    expect(exactNameFromFieldSelector(null)).toBeUndefined();
  });
});
