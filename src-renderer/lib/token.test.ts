import { beforeEach, describe, expect, it } from 'vitest';
import { takeToken, TOKEN_KEY } from './token';

describe('takeToken', () => {
  beforeEach(() => {
    sessionStorage.clear();
    history.replaceState(null, '', '/');
  });

  it('takes the token from the fragment, keeps it in sessionStorage and clears it from the address', () => {
    history.replaceState(null, '', '/#token=s3cret');
    expect(takeToken(location, history, sessionStorage)).toBe('s3cret');
    expect(sessionStorage.getItem(TOKEN_KEY)).toBe('s3cret');
    expect(location.href).not.toContain('s3cret');
    expect(location.hash).toBe('');
  });

  it('accepts ?token= too and keeps the other query parameters', () => {
    history.replaceState(null, '', '/index.html?token=abc&view=x');
    expect(takeToken(location, history, sessionStorage)).toBe('abc');
    expect(location.search).toBe('?view=x');
    expect(location.pathname).toBe('/index.html');
  });

  it('finds the stored token after a reload', () => {
    sessionStorage.setItem(TOKEN_KEY, 'kept');
    expect(takeToken(location, history, sessionStorage)).toBe('kept');
  });

  it('prefers a token in the URL over an old stored one', () => {
    sessionStorage.setItem(TOKEN_KEY, 'old');
    history.replaceState(null, '', '/#token=new');
    expect(takeToken(location, history, sessionStorage)).toBe('new');
    expect(sessionStorage.getItem(TOKEN_KEY)).toBe('new');
  });

  it('is null when there is none', () => {
    expect(takeToken(location, history, sessionStorage)).toBeNull();
  });
});
