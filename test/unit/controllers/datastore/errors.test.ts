import { describe, expect, it } from 'vitest';
import { classifyConnectionError } from '../../../../src/controllers/datastore/errors.ts';
import { describeSqlError } from '../../../../src/controllers/datastore/sql-errors.ts';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('classifyConnectionError', () => {
  it('recognises what each driver reports', () => {
    expect(classifyConnectionError(withCode('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED'))).toBe('Unreachable');
    expect(classifyConnectionError(new Error('14 UNAVAILABLE: No connection established'))).toBe('Unreachable');
    expect(classifyConnectionError(withCode('password authentication failed for user "x"', '28P01'))).toBe('AuthenticationFailed');
    expect(classifyConnectionError(withCode("Access denied for user 'x'@'h'", 'ER_ACCESS_DENIED_ERROR'))).toBe('AuthenticationFailed');
    expect(classifyConnectionError(new Error('The server does not support SSL connections'))).toBe('TLSError');
    expect(classifyConnectionError(withCode('self-signed certificate', 'DEPTH_ZERO_SELF_SIGNED_CERT'))).toBe('TLSError');
    expect(classifyConnectionError(withCode('permission denied to create role', '42501'))).toBeUndefined();
  });
});

describe('describeSqlError', () => {
  it('never carries a password or the driver’s own error object', () => {
    const original = Object.assign(withCode("syntax error near 'hunter2'", 'ER_PARSE_ERROR'), { sql: "CREATE USER 'u' IDENTIFIED BY 'hunter2'" });
    const described = describeSqlError(original, { server: 'MySQL at db:3306', what: 'create user "u"', secrets: ['hunter2'] });
    expect(described).not.toBe(original);
    expect(described.message).toBe("MySQL at db:3306: cannot create user \"u\": syntax error near '<redacted>' (ER_PARSE_ERROR)");
    expect(JSON.stringify(described)).not.toContain('hunter2');
    expect(Object.keys(described)).not.toContain('sql');
  });
});
