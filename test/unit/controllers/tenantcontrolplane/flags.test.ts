import { describe, expect, test } from 'vitest';
import { flagName, mergeFlags } from '../../../../src/controllers/tenantcontrolplane/flags.ts';

describe('mergeFlags', () => {
  test('managed flags win and the user duplicate is dropped', () => {
    const args = mergeFlags({ managed: { '--secure-port': '6443' }, user: ['--secure-port=7443', '--v=4'] });
    expect(args).toEqual(['--secure-port=6443', '--v=4']);
  });

  test('a user flag overrides a default, and appears once, in the user segment', () => {
    const args = mergeFlags({
      managed: { '--b': '1' },
      defaults: { '--allow-privileged': 'true', '--a': 'x' },
      user: ['--allow-privileged=false'],
    });
    expect(args).toEqual(['--a=x', '--b=1', '--allow-privileged=false']);
  });

  test('managed and defaults are sorted by name, user flags keep their order', () => {
    const args = mergeFlags({ managed: { '--z': '1', '--a': '2' }, defaults: { '--m': '3' }, user: ['--y=1', '--b=2'] });
    expect(args).toEqual(['--a=2', '--m=3', '--z=1', '--y=1', '--b=2']);
  });

  test('a repeated user flag renders once, with its last value, at its first place', () => {
    expect(mergeFlags({ managed: {}, user: ['--x=1', '--y=2', '--x=3'] })).toEqual(['--x=3', '--y=2']);
  });

  test('--authorization-config drops the --authorization-mode default', () => {
    const set = {
      managed: {},
      defaults: { '--authorization-mode': 'Node,RBAC' },
      dropDefaultsWhenUserSets: { '--authorization-mode': ['--authorization-config'] },
    };
    expect(mergeFlags({ ...set, user: ['--authorization-config=/etc/authz.yaml'] })).toEqual(['--authorization-config=/etc/authz.yaml']);
    expect(mergeFlags({ ...set, user: [] })).toEqual(['--authorization-mode=Node,RBAC']);
  });

  test('the same input always renders the same output, whatever the key insertion order', () => {
    const one = mergeFlags({ managed: { '--b': '1', '--a': '2' }, defaults: { '--d': '3', '--c': '4' }, user: ['--e=5'] });
    const two = mergeFlags({ managed: { '--a': '2', '--b': '1' }, defaults: { '--c': '4', '--d': '3' }, user: ['--e=5'] });
    expect(one).toEqual(two);
  });

  test('flagName takes the part before the first =', () => {
    expect(flagName('--feature-gates=A=true,B=false')).toBe('--feature-gates');
    expect(flagName('--profiling')).toBe('--profiling');
    expect(flagName('-v=4')).toBe('-v');
  });
});
