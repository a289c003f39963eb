// The TypeScript types come from the schemas. The expectTypeOf lines are checked by
// `npx tsc --noEmit -p .`; the runtime assertions check the same facts against the schema objects.
import { describe, expect, expectTypeOf, test } from 'vitest';
import type { KubeObject } from '../../../src/apis/meta.ts';
import {
  allDeclarations,
  dataStoreDeclaration,
  tenantControlPlaneDeclaration,
  type DataStore,
  type DataStoreSpec,
  type DataStoreStatus,
  type FromSchema,
  type TenantControlPlane,
  type TenantControlPlaneSpec,
  type TenantControlPlaneStatus,
} from '../../../src/apis/index.ts';
import { array, int32, intOrString, map, object, string } from '../../../src/apis/schema/builders.ts';

describe('FromSchema', () => {
  test('maps each schema construct to its TypeScript type', () => {
    const schema = object(
      'x',
      {
        name: string('n'),
        mode: string('m', { enum: ['A', 'B'] }),
        count: int32('c'),
        port: intOrString('p'),
        tags: array('t', string('')),
        labels: map('l', string('')),
      },
      { required: ['name'] },
    );
    type X = FromSchema<typeof schema>;
    expectTypeOf<X>().toEqualTypeOf<{
      name: string;
      mode?: 'A' | 'B';
      count?: number;
      port?: number | string;
      tags?: string[];
      labels?: Record<string, string>;
    }>();
    expect(schema.required).toEqual(['name']);
    expect(schema.properties.mode.enum).toEqual(['A', 'B']);
  });
});

describe('kind types', () => {
  test('TenantControlPlane follows its schema', () => {
    expectTypeOf<TenantControlPlane['spec']>().toEqualTypeOf<TenantControlPlaneSpec>();
    expectTypeOf<TenantControlPlane['status']>().toEqualTypeOf<TenantControlPlaneStatus | undefined>();
    expectTypeOf<TenantControlPlaneSpec['kubernetes']['version']>().toEqualTypeOf<string>();
    expectTypeOf<TenantControlPlaneSpec['controlPlane']['service']['serviceType']>().toEqualTypeOf<'ClusterIP' | 'NodePort' | 'LoadBalancer'>();
    expectTypeOf<NonNullable<TenantControlPlaneSpec['networkProfile']>['serviceCidrs']>().toEqualTypeOf<string[] | undefined>();
    expectTypeOf<NonNullable<NonNullable<NonNullable<TenantControlPlaneSpec['addons']>['konnectivity']>['agent']>['mode']>().toEqualTypeOf<
      'DaemonSet' | 'Deployment' | undefined
    >();
    expectTypeOf<NonNullable<NonNullable<TenantControlPlaneStatus['kubernetesResources']>['version']>['status']>().toEqualTypeOf<
      | 'Unknown' | 'Provisioning' | 'CertificateAuthorityRotating' | 'Upgrading' | 'Migrating' | 'Ready' | 'NotReady' | 'Sleeping' | 'WriteLimited'
      | undefined
    >();
    expectTypeOf<TenantControlPlane>().toExtend<KubeObject>();

    const spec = tenantControlPlaneDeclaration.schema.properties!['spec']!;
    expect(spec.required).toEqual(['controlPlane', 'kubernetes']);
    expect(spec.properties!['controlPlane']!.properties!['service']!.properties!['serviceType']!.enum).toEqual(['ClusterIP', 'NodePort', 'LoadBalancer']);
  });

  test('DataStore follows its schema', () => {
    expectTypeOf<DataStore['spec']>().toEqualTypeOf<DataStoreSpec>();
    expectTypeOf<DataStore['status']>().toEqualTypeOf<DataStoreStatus | undefined>();
    expectTypeOf<DataStoreSpec['driver']>().toEqualTypeOf<'etcd' | 'MySQL' | 'PostgreSQL'>();
    expectTypeOf<DataStoreSpec['endpoints']>().toEqualTypeOf<string[]>();
    expectTypeOf<DataStoreStatus['ready']>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<DataStore>().toExtend<KubeObject>();
    expect(dataStoreDeclaration.schema.properties!['spec']!.required).toEqual(['driver', 'endpoints']);
  });

  test('allDeclarations lists both kinds', () => {
    expect(allDeclarations.map((d) => d.kind)).toEqual(['TenantControlPlane', 'DataStore']);
  });
});
