import { describe, expect, it } from 'vitest';
import { entityTag, memoryFile, packageFile } from './_static-file.js';

describe('packageFile', () => {
  it('reads a file of an installed package once', async () => {
    const load = packageFile('swagger-ui-dist/package.json', 'application/json');
    const first = await load();
    expect(JSON.parse(first.body.toString()).name).toBe('swagger-ui-dist');
    expect(await load()).toBe(first);
  });

  it('fails for a file that is not installed, and tries again at the next request', async () => {
    const load = packageFile('swagger-ui-dist/no-such-file.js', 'text/javascript');
    const first = load();
    await expect(first).rejects.toThrow();
    const second = load();
    expect(second).not.toBe(first);
    await expect(second).rejects.toThrow();
  });

  it('replaces a text as it reads the file, and fails when the text is gone', async () => {
    const load = packageFile('swagger-ui-dist/package.json', 'application/json', [
      ['"swagger-ui-dist"', '"renamed"'],
    ]);
    expect(JSON.parse((await load()).body.toString()).name).toBe('renamed');
    const gone = packageFile('swagger-ui-dist/package.json', 'application/json', [['no such text', '']]);
    await expect(gone()).rejects.toThrow('swagger-ui-dist/package.json no longer contains "no such text"');
  });
});

describe('entityTag', () => {
  it('is the same for the same bytes and differs for others', () => {
    expect(entityTag(Buffer.from('a'))).toBe(entityTag(Buffer.from('a')));
    expect(entityTag(Buffer.from('a'))).not.toBe(entityTag(Buffer.from('b')));
  });

  it('is a quoted strong tag', async () => {
    expect((await memoryFile('x', 'text/plain')()).etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
  });
});
