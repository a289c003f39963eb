// Create-time defaults that a schema `default` cannot express, as Kamaji's mutating webhook sets
// them. Static defaults (replicas 2, registry settings, ports, konnectivity server and agent images
// and mode, CIDRs) live in the schema and are applied before this.
import type { DefaultingContext } from '../declaration.ts';
import { dnsServiceIPFor, parseCidr } from '../network.ts';
import type { TenantControlPlane } from './types.ts';

/**
 * The database, user and etcd prefix of a control plane. Kamaji uses the bare uid, which
 * PostgreSQL and MySQL only accept quoted (dashes) and which may start with a digit. This keeps
 * the uid's hex digits behind a letter prefix: `tcp_` + 28 hex = 32 characters, a valid unquoted
 * identifier in PostgreSQL (≤ 63) and MySQL (user names ≤ 32), and a plain etcd key prefix.
 */
export function dataStoreIdentifierFor(uid: string): string {
  return `tcp_${uid.toLowerCase().replace(/[^0-9a-f]/g, '').slice(0, 28)}`;
}

export function defaultTenantControlPlane(tcp: TenantControlPlane, context: DefaultingContext): void {
  const spec = tcp.spec;
  if (!spec.dataStore && context.defaultDataStore) spec.dataStore = context.defaultDataStore;
  const uid = tcp.metadata.uid;
  if (uid) {
    spec.dataStoreSchema ||= dataStoreIdentifierFor(uid);
    spec.dataStoreUsername ||= dataStoreIdentifierFor(uid);
  }
  defaultNetworkProfile(spec);
}

/** Identity fields are set once (and are immutable): a write that leaves them out keeps them. */
export function defaultTenantControlPlaneOnUpdate(tcp: TenantControlPlane, old: TenantControlPlane): void {
  const spec = tcp.spec;
  // Only values the stored object has: a key holding `undefined` is not JSON and must not appear.
  for (const field of ['dataStore', 'dataStoreSchema', 'dataStoreUsername'] as const) {
    if (!spec[field] && old.spec[field]) spec[field] = old.spec[field];
  }
  defaultNetworkProfile(spec);
}

function defaultNetworkProfile(spec: TenantControlPlane['spec']): void {
  const network = (spec.networkProfile ??= {});
  if (!network.serviceCidrs?.length && network.serviceCidr) network.serviceCidrs = [network.serviceCidr];
  if (!network.podCidrs?.length && network.podCidr) network.podCidrs = [network.podCidr];
  if (!network.dnsServiceIPs?.length && network.serviceCidrs?.length) {
    const cidrs = network.serviceCidrs.map(parseCidr);
    // An invalid CIDR is left for validation to name; no DNS IP is guessed from it.
    if (cidrs.every((cidr) => cidr !== undefined)) network.dnsServiceIPs = cidrs.map(dnsServiceIPFor);
  }
}
