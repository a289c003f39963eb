// Discovery documents, derived from the resource declarations and the subresource handlers that
// are actually wired: the legacy APIGroupList/APIGroup/APIResourceList and aggregated discovery v2.
// Every entry, subresources included, carries a kind: client-go drops entries without one.
import { scaleGroupVersionKind } from '../apis/scale.ts';
import type { RegisteredResource } from '../registry/store.ts';
import { parseAccept } from './negotiation.ts';
import { customSubresourceVerbs } from './served-resources.ts';

export const RESOURCE_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
export const STATUS_VERBS = ['get', 'patch', 'update'];
export const SCALE_VERBS = ['get', 'patch', 'update'];
export const AGGREGATED_DISCOVERY_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

export interface GroupVersion {
  group: string;
  version: string;
}

export function groupVersionsOf(resources: readonly RegisteredResource[]): GroupVersion[] {
  const seen = new Map<string, GroupVersion>();
  for (const { declaration } of resources) {
    seen.set(`${declaration.group}/${declaration.version}`, { group: declaration.group, version: declaration.version });
  }
  return [...seen.values()];
}

function apiGroup(group: string, versions: GroupVersion[]) {
  const entries = versions.filter((gv) => gv.group === group).map((gv) => ({ groupVersion: `${gv.group}/${gv.version}`, version: gv.version }));
  return { name: group, versions: entries, preferredVersion: entries[0]! };
}

export function apiGroupList(resources: readonly RegisteredResource[]) {
  const versions = groupVersionsOf(resources);
  const groups = [...new Set(versions.map((gv) => gv.group))];
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map((group) => apiGroup(group, versions)) };
}

export function apiGroupDocument(resources: readonly RegisteredResource[], group: string) {
  const versions = groupVersionsOf(resources);
  if (!versions.some((gv) => gv.group === group)) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group, versions) };
}

function byName(a: { declaration: { plural: string } }, b: { declaration: { plural: string } }) {
  return a.declaration.plural.localeCompare(b.declaration.plural);
}

export function apiResourceList(resources: readonly RegisteredResource[], { group, version }: GroupVersion) {
  const served = resources.filter((r) => r.declaration.group === group && r.declaration.version === version).sort(byName);
  if (served.length === 0) return undefined;
  const entries = served.flatMap((resource) => {
    const d = resource.declaration;
    const namespaced = d.scope === 'Namespaced';
    const main = {
      name: d.plural,
      singularName: d.singular,
      namespaced,
      kind: d.kind,
      verbs: RESOURCE_VERBS,
      ...(d.shortNames.length > 0 ? { shortNames: [...d.shortNames] } : {}),
      ...(d.categories.length > 0 ? { categories: [...d.categories] } : {}),
    };
    const status = d.statusSubresource
      ? [{ name: `${d.plural}/status`, singularName: '', namespaced, kind: d.kind, verbs: STATUS_VERBS }]
      : [];
    const scale = d.scaleSubresource
      ? [{ name: `${d.plural}/scale`, singularName: '', namespaced, ...scaleGroupVersionKind, verbs: SCALE_VERBS }]
      : [];
    const custom = d.customSubresources
      .map((sub) => ({ sub, verbs: customSubresourceVerbs(resource, sub.name) }))
      .filter(({ verbs }) => verbs.length > 0)
      .map(({ sub, verbs }) => ({
        name: `${d.plural}/${sub.name}`,
        singularName: '',
        namespaced,
        group,
        version,
        kind: sub.kind,
        verbs,
      }));
    return [main, ...status, ...scale, ...custom];
  });
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: `${group}/${version}`, resources: entries };
}

/** apidiscovery.k8s.io/v2 APIGroupDiscoveryList (KEP-3352) for everything this server serves. */
export function aggregatedDiscovery(resources: readonly RegisteredResource[]) {
  const versions = groupVersionsOf(resources);
  const groups = [...new Set(versions.map((gv) => gv.group))];
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: 'apidiscovery.k8s.io/v2',
    metadata: {},
    items: groups.map((group) => ({
      metadata: { name: group },
      versions: versions
        .filter((gv) => gv.group === group)
        .map(({ version }) => ({
          version,
          freshness: 'Current',
          resources: resources
            .filter((r) => r.declaration.group === group && r.declaration.version === version)
            .sort(byName)
            .map((resource) => {
              const d = resource.declaration;
              const responseKind = { group, version, kind: d.kind };
              const subresources = [
                ...(d.statusSubresource ? [{ subresource: 'status', responseKind, verbs: STATUS_VERBS }] : []),
                ...(d.scaleSubresource ? [{ subresource: 'scale', responseKind: { ...scaleGroupVersionKind }, verbs: SCALE_VERBS }] : []),
                ...d.customSubresources
                  .map((sub) => ({ sub, verbs: customSubresourceVerbs(resource, sub.name) }))
                  .filter(({ verbs }) => verbs.length > 0)
                  .map(({ sub, verbs }) => ({ subresource: sub.name, responseKind: { group, version, kind: sub.kind }, verbs })),
              ];
              return {
                resource: d.plural,
                responseKind,
                scope: d.scope,
                singularResource: d.singular,
                verbs: RESOURCE_VERBS,
                ...(d.shortNames.length > 0 ? { shortNames: [...d.shortNames] } : {}),
                ...(d.categories.length > 0 ? { categories: [...d.categories] } : {}),
                ...(subresources.length > 0 ? { subresources } : {}),
              };
            }),
        })),
    })),
  };
}

/**
 * Which form of `/apis` the Accept header asks for: the legacy APIGroupList (plain JSON), the
 * aggregated v2 list, or nothing this server serves (406: the aggregator then falls back to
 * `/apis/<g>/<v>`). v2beta1 is deliberately not served.
 */
export function negotiateGroupListForm(accept: string | undefined): 'legacy' | 'aggregated' | undefined {
  const ranges = parseAccept(accept);
  if (ranges.length === 0) return 'legacy';
  for (const range of ranges) {
    if (range.q <= 0) continue;
    const { as, g, v } = range.params;
    const json = range.type === 'application' && (range.subtype === 'json' || range.subtype === '*');
    const any = range.type === '*' && range.subtype === '*';
    if (json && as === 'APIGroupDiscoveryList' && g === 'apidiscovery.k8s.io' && v === 'v2') return 'aggregated';
    if ((json || any) && as === undefined && g === undefined && v === undefined) return 'legacy';
  }
  return undefined;
}
