import { describe, expect, it } from 'vitest';
import {
  accountCreateBody,
  accountPatchBody,
  expiryState,
  httpUrl,
  msToSeconds,
  newPassword,
  numberInRange,
  requiredText,
  secondsToMs,
  validateAccount,
  wholeNumber,
} from './forms';

describe('httpUrl', () => {
  it('accepts http and https URLs with a host', () => {
    expect(httpUrl('http://provider.example:8080')).toBeNull();
    expect(httpUrl(' HTTPS://provider.example/ ')).toBeNull();
  });
  it('refuses other schemes, empty values and spaces', () => {
    expect(httpUrl('', 'Server URL')).toBe('Server URL is required');
    expect(httpUrl('ftp://x.example')).toMatch(/must start with http:\/\/ or https:\/\//);
    expect(httpUrl('provider.example')).toMatch(/must start with/);
    expect(httpUrl('http://a b.example')).toMatch(/spaces/);
    expect(httpUrl('http://')).not.toBeNull();
  });
});

describe('numbers', () => {
  it('wholeNumber checks the range, whole-ness and emptiness', () => {
    expect(wholeNumber(5, 'Days', 1, 14)).toBeNull();
    expect(wholeNumber('14', 'Days', 1, 14)).toBeNull();
    expect(wholeNumber(0, 'Days', 1, 14)).toBe('Days must be between 1 and 14');
    expect(wholeNumber(15, 'Days', 1, 14)).toBe('Days must be between 1 and 14');
    expect(wholeNumber(2.5, 'Days', 1, 14)).toBe('Days must be a whole number');
    expect(wholeNumber('abc', 'Days', 1, 14)).toBe('Days must be a whole number');
    expect(wholeNumber('', 'Days', 1, 14)).toBe('Days is required');
    expect(wholeNumber('', 'Tuners', 1, 255, true)).toBeNull();
  });
  it('numberInRange allows decimals', () => {
    expect(numberInRange(1.5, 'Wait', 0, 60)).toBeNull();
    expect(numberInRange(60.5, 'Wait', 0, 60)).toBe('Wait must be between 0 and 60');
    expect(numberInRange('', 'Wait', 0, 60)).toBe('Wait is required');
  });
  it('converts seconds and milliseconds both ways', () => {
    expect(secondsToMs(1.5)).toBe(1500);
    expect(secondsToMs('30')).toBe(30_000);
    expect(msToSeconds(2500)).toBe(2.5);
    expect(secondsToMs(msToSeconds(12_345))).toBe(12_345);
  });
});

describe('passwords and text', () => {
  it('needs a matching confirmation', () => {
    expect(newPassword('secret-1', 'secret-1')).toEqual({ password: null, confirm: null });
    expect(newPassword('secret-1', 'secret-2').confirm).toBe('The passwords do not match');
    expect(newPassword('', '').password).toBe('Enter a password');
    expect(newPassword('short', 'short').password).toBe('The password needs at least 8 characters');
    expect(newPassword('x'.repeat(1025), 'x'.repeat(1025)).password).toBe('The password is too long');
  });
  it('requiredText trims and limits', () => {
    expect(requiredText('  ', 'Name')).toBe('Name is required');
    expect(requiredText('x'.repeat(65), 'Name', 64)).toBe('Name must be at most 64 characters');
    expect(requiredText('Tuner', 'Name', 64)).toBeNull();
  });
});

describe('account form', () => {
  const original = { name: 'Main', serverUrl: 'http://p.example', username: 'bob', maxConnections: 2 };
  const values = { ...original, password: '' };

  it('a new account needs every field', () => {
    const errors = validateAccount({
      name: '',
      serverUrl: 'p.example',
      username: '',
      password: '',
      maxConnections: '',
    });
    expect(Object.keys(errors).sort()).toEqual(['name', 'password', 'serverUrl', 'username']);
    expect(validateAccount({ ...values, password: 'pw', maxConnections: '' })).toEqual({});
    expect(validateAccount({ ...values, password: 'pw', maxConnections: 0 }).maxConnections).toMatch(
      /between 1 and 1000/,
    );
  });

  it('an edit needs the password again only when the server or username changes', () => {
    expect(validateAccount(values, original)).toEqual({});
    expect(validateAccount({ ...values, name: 'Other' }, original)).toEqual({});
    expect(validateAccount({ ...values, username: 'alice' }, original).password).toMatch(/password again/);
    expect(validateAccount({ ...values, serverUrl: 'http://q.example' }, original).password).toMatch(/password again/);
    expect(validateAccount({ ...values, serverUrl: 'http://q.example', password: 'pw' }, original)).toEqual({});
    // A trailing slash is not another server.
    expect(validateAccount({ ...values, serverUrl: 'http://p.example/' }, original)).toEqual({});
  });

  it('the PATCH body holds only what changed', () => {
    expect(accountPatchBody(values, original)).toEqual({});
    expect(accountPatchBody({ ...values, name: ' New ', maxConnections: '' }, original)).toEqual({
      name: 'New',
      maxConnections: null,
    });
    expect(accountPatchBody({ ...values, username: 'alice', password: 'pw', maxConnections: 3 }, original)).toEqual({
      username: 'alice',
      password: 'pw',
      maxConnections: 3,
    });
  });

  it('the create body leaves out an empty connection limit', () => {
    const body = accountCreateBody({
      name: ' A ',
      serverUrl: 'http://p.example ',
      username: 'u',
      password: 'p',
      maxConnections: '',
    });
    expect(body).toEqual({ name: 'A', serverUrl: 'http://p.example', username: 'u', password: 'p' });
    expect(accountCreateBody({ ...values, password: 'p', maxConnections: '4' }).maxConnections).toBe(4);
  });
});

describe('expiryState', () => {
  const now = Date.parse('2026-01-10T12:00:00Z');
  it('is soon within 7 days and expired once past', () => {
    expect(expiryState(null, now)).toBe('none');
    expect(expiryState('not a date', now)).toBe('none');
    expect(expiryState('2026-01-10T11:59:59Z', now)).toBe('expired');
    expect(expiryState('2026-01-17T12:00:00Z', now)).toBe('soon');
    expect(expiryState('2026-01-17T12:00:01Z', now)).toBe('ok');
  });
});
