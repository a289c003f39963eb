// The DataStore schema, with Kamaji's field names (api/v1alpha1/datastore_types.go). NATS, which
// Kamaji also accepts, is left out of the driver enum: Kamaji-TS has no NATS driver, so such a
// DataStore is refused with the list of supported drivers instead of failing later.
import { array, boolean, int64, object, string } from '../schema/builders.ts';
import { conditions, resourceSchema } from '../schema/common.ts';

export const dataStoreDrivers = ['etcd', 'MySQL', 'PostgreSQL'] as const;

const secretReference = object(
  'A key of a Secret in the management cluster.',
  {
    keyPath: string('Key of the Secret holding the value.', { minLength: 1 }),
    name: string('Name of the Secret.', { minLength: 1 }),
    namespace: string('Namespace of the Secret.', { minLength: 1 }),
  },
  { required: ['keyPath', 'name', 'namespace'] },
);

const contentRef = (description: string) =>
  object(`${description} Either inline content or a Secret reference; content wins.`, {
    content: string('Base64-encoded value.', { format: 'byte' }),
    secretReference,
  });

const spec = object(
  'DataStoreSpec defines a database that tenant control planes keep their state in.',
  {
    driver: string('Database driver. Immutable.', { enum: dataStoreDrivers }),
    endpoints: array('Endpoints of the database as bare host:port, without scheme.', string('', { minLength: 1 }), {
      minItems: 1,
      'x-kubernetes-list-type': 'atomic',
    }),
    basicAuth: object(
      'User name and password (SQL drivers).',
      {
        password: contentRef('The password.'),
        username: contentRef('The user name.'),
      },
      { required: ['password', 'username'] },
    ),
    tlsConfig: object(
      'TLS settings. Required for etcd, which authenticates with a client certificate.',
      {
        certificateAuthority: object(
          'The CA that signed the server certificate; its private key lets Kamaji issue etcd client certificates.',
          {
            certificate: contentRef('The PEM CA certificate.'),
            privateKey: contentRef('The PEM CA private key.'),
          },
          { required: ['certificate'] },
        ),
        clientCertificate: object(
          'The client certificate Kamaji uses to connect.',
          {
            certificate: contentRef('The PEM client certificate.'),
            privateKey: contentRef('The PEM client private key.'),
          },
          { required: ['certificate', 'privateKey'] },
        ),
      },
      { required: ['certificateAuthority'] },
    ),
  },
  { required: ['driver', 'endpoints'] },
);

const status = object('DataStoreStatus is the observed state of a DataStore.', {
  observedGeneration: int64('The generation observed by the last reconcile.'),
  usedBy: array('namespace/name of the TenantControlPlanes using this DataStore.', string(''), {
    'x-kubernetes-list-type': 'set',
  }),
  conditions: conditions('Conditions of the DataStore (validation, allowed deletion).'),
  ready: boolean('True when the DataStore settings were validated.'),
});

export const dataStoreSchema = resourceSchema(
  'DataStore is a database (etcd, PostgreSQL or MySQL) that tenant control planes keep their state in.',
  spec,
  status,
);
