// DataStore rules beyond the schema: the CEL rules of Kamaji's CRD (auth and TLS completeness,
// immutable driver) and the endpoint format.
import { isIP } from 'node:net';
import type { FieldError } from '../meta.ts';
import { isDNS1123Subdomain } from '../names.ts';
import type { ContentRef, DataStore, DataStoreSpec } from './types.ts';

export function validateDataStoreCreate(dataStore: DataStore): FieldError[] {
  return validateSpec(dataStore.spec);
}

export function validateDataStoreUpdate(dataStore: DataStore, old: DataStore): FieldError[] {
  const errors = validateSpec(dataStore.spec);
  if (dataStore.spec.driver !== old.spec.driver) {
    errors.push({ type: 'FieldValueInvalid', field: 'spec.driver', value: dataStore.spec.driver, detail: 'field is immutable' });
  }
  return errors;
}

function validateSpec(spec: DataStoreSpec): FieldError[] {
  const errors: FieldError[] = [];
  (spec.endpoints ?? []).forEach((endpoint, i) => {
    const problem = endpointProblem(endpoint);
    if (problem) errors.push({ type: 'FieldValueInvalid', field: `spec.endpoints[${i}]`, value: endpoint, detail: problem });
  });
  const tls = spec.tlsConfig;
  if (spec.driver === 'etcd') {
    if (!tls) {
      errors.push({ type: 'FieldValueRequired', field: 'spec.tlsConfig', detail: 'the etcd driver authenticates with certificates: tlsConfig is required' });
    } else {
      if (!tls.certificateAuthority.privateKey) {
        errors.push({ type: 'FieldValueRequired', field: 'spec.tlsConfig.certificateAuthority.privateKey', detail: 'the etcd driver needs the CA private key to issue client certificates' });
      }
      if (!tls.clientCertificate) {
        errors.push({ type: 'FieldValueRequired', field: 'spec.tlsConfig.clientCertificate', detail: 'the etcd driver needs a client certificate and key' });
      }
    }
  } else if (!tls && !spec.basicAuth) {
    errors.push({ type: 'FieldValueRequired', field: 'spec.basicAuth', detail: `the ${spec.driver} driver needs basicAuth or tlsConfig` });
  }
  const refs: [string, ContentRef | undefined][] = [
    ['spec.basicAuth.username', spec.basicAuth?.username],
    ['spec.basicAuth.password', spec.basicAuth?.password],
    ['spec.tlsConfig.certificateAuthority.certificate', tls?.certificateAuthority.certificate],
    ['spec.tlsConfig.certificateAuthority.privateKey', tls?.certificateAuthority.privateKey],
    ['spec.tlsConfig.clientCertificate.certificate', tls?.clientCertificate?.certificate],
    ['spec.tlsConfig.clientCertificate.privateKey', tls?.clientCertificate?.privateKey],
  ];
  for (const [field, ref] of refs) {
    if (ref && !ref.content && !ref.secretReference) {
      errors.push({ type: 'FieldValueRequired', field, detail: 'either content or secretReference must be set' });
    }
  }
  return errors;
}

/** Kamaji endpoints are bare `host:port` (IPv6 as `[addr]:port`); the driver adds the scheme. */
function endpointProblem(endpoint: string): string | undefined {
  if (endpoint.includes('://')) return 'must be host:port without a scheme';
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(endpoint);
  if (!match) return 'must be host:port (IPv6 as [address]:port)';
  const [, ipv6, host, port] = match;
  if (Number(port) < 1 || Number(port) > 65535) return 'port must be between 1 and 65535';
  if (ipv6 !== undefined) return isIP(ipv6) === 6 ? undefined : 'must be a valid IPv6 address in brackets';
  return isIP(host!) === 4 || isDNS1123Subdomain(host!.toLowerCase()) ? undefined : 'host must be an IP address or a DNS name';
}
