import { describe, expect, it } from 'vitest';
import { describeError } from '../../src/describe-error.js';
import { InputError } from '../../src/errors.js';
import { secretsFromEnv } from '../../src/redact.js';

describe('describeError, the last line of defence', () => {
  const env = { LABEL_STUDIO_API_KEY: 'api-key-0123456789', LABEL_STUDIO_URL: 'http://ops:hunter22@ls.example/' };

  it('masks the API key and a URL password in a cairn error', () => {
    const error = new InputError('image http://ops:hunter22@ls.example/data/upload/a.png?token=t0ps3cret (key api-key-0123456789) cannot be fetched', { rule: 'image-fetch' });
    expect(describeError(error, secretsFromEnv(env))).toBe('cairn: image http://***@ls.example/data/upload/a.png?token=*** (key ***) cannot be fetched [E_INPUT]');
  });

  it('masks them in the stack of an unexpected failure too', () => {
    const text = describeError(new TypeError('Request cannot be constructed from a URL that includes credentials: http://ops:hunter22@ls.example/api/ with api-key-0123456789'), secretsFromEnv(env));
    expect(text).toMatch(/^cairn: unexpected failure: TypeError: /);
    expect(text).not.toMatch(/hunter22|api-key-0123456789/);
  });
});
