import { describe, expect, it } from 'vitest';
import { isMediaType } from './media-type.js';

describe('isMediaType', () => {
  it('accepts the type in any case, with blanks and parameters', () => {
    for (const value of [
      'application/json',
      'Application/JSON',
      'application/json; charset=utf-8',
      'application/json;charset=UTF-8',
      ' application/json ',
      'application/json ; charset=utf-8',
    ]) {
      expect(isMediaType(value, 'application/json'), value).toBe(true);
    }
    expect(isMediaType('multipart/form-data; boundary=x', 'multipart/form-data')).toBe(true);
  });

  it('refuses another type, a look-alike, or none', () => {
    for (const value of [
      undefined,
      '',
      'text/plain',
      'text/plain; charset=application/json',
      'application/x-www-form-urlencoded',
      'multipart/form-data',
      'application/jsonx',
      'application/json-seq',
      'application/vnd.api+json',
      'application/json, text/plain',
    ]) {
      expect(isMediaType(value, 'application/json'), String(value)).toBe(false);
    }
  });
});
