import { describe, expect, it } from 'vitest';
import { redact, secretsFromEnv } from '../src/redact.js';

describe('redact', () => {
  it('masks the user and password of a URL, wherever it is in the text', () => {
    expect(redact('cannot reach Label Studio at http://alice:s3cret@ls.example:8080/api/projects/1/ (GET)')).toBe('cannot reach Label Studio at http://***@ls.example:8080/api/projects/1/ (GET)');
    expect(redact('https://token@ls.example/x and https://a:b@c@d.example')).toBe('https://***@ls.example/x and https://***@d.example');
  });

  it('masks credential query parameters and leaves the others', () => {
    expect(redact('GET https://s3.example/b/k.png?X-Amz-Credential=AK%2F1&X-Amz-Signature=abc123&d=x&api_key=k1&access_token=t1&sig=zz&page=2')).toBe(
      'GET https://s3.example/b/k.png?X-Amz-Credential=***&X-Amz-Signature=***&d=x&api_key=***&access_token=***&sig=***&page=2',
    );
  });

  it('masks Authorization header values and bare token credentials', () => {
    expect(redact('Authorization: Token 0123456789abcdef')).toBe('Authorization: Token ***');
    expect(redact('{"authorization": "Bearer eyJhbGciOi.eyJzdWIi.c2ln"}')).toBe('{"authorization": "Bearer ***"}');
    expect(redact('sent Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl to the server')).toBe('sent Bearer *** to the server');
    expect(redact('Label Studio refused the legacy token for GET http://ls/api/')).toBe('Label Studio refused the legacy token for GET http://ls/api/');
  });

  it('masks each given secret, also URL-encoded, but not values too short to be one', () => {
    expect(redact('the server said: bad key d6f8a2622d3 (d6f8a2622d3)', ['d6f8a2622d3'])).toBe('the server said: bad key *** (***)');
    expect(redact('p@ss/word and p%40ss%2Fword', ['p@ss/word'])).toBe('*** and ***');
    expect(redact('a b c', ['a', undefined, ''])).toBe('a b c');
  });
});

describe('secretsFromEnv', () => {
  it('takes the tokens and the userinfo of LABEL_STUDIO_URL', () => {
    expect(secretsFromEnv({ LABEL_STUDIO_API_KEY: 'key-123456', GITHUB_TOKEN: 'ghs_abcdef', LABEL_STUDIO_URL: 'http://alice:p%40ss@ls.example/' })).toEqual(['key-123456', 'ghs_abcdef', 'alice', 'p%40ss', 'p@ss']);
    expect(secretsFromEnv({ LABEL_STUDIO_URL: 'http://ls.example/' })).toEqual([]);
  });
});
