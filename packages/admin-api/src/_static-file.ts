import { createHash } from 'node:crypto';
import { access, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A file answered as it is: its bytes, media type and entity tag. */
export interface StaticFile {
  readonly body: Buffer;
  readonly contentType: string;
  readonly etag: string;
}

/** A strong entity tag (RFC 9110 §8.8.3) from the content: the same bytes, the same tag, across restarts. */
export function entityTag(body: Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

/** A file made in memory (a page, a starter script). */
export function memoryFile(text: string, contentType: string): () => Promise<StaticFile> {
  const body = Buffer.from(text);
  const file: StaticFile = { body, contentType, etag: entityTag(body) };
  return () => Promise.resolve(file);
}

const require = createRequire(import.meta.url);

/** A text to replace in a package file, and its replacement; the text must be there. */
export type Replacement = readonly [text: string, replacement: string];

/**
 * A file of an installed package (`swagger-ui-dist/swagger-ui-bundle.js`), resolved from this package's
 * dependencies and read once, at its first request: a process that never shows the documentation never reads
 * the 3 MB of bundles. A failed read is not kept, so the next request tries again. `replacements` are applied to
 * the text once, as it is read; a text not found fails the read, so that a new version of the package is noticed.
 */
export function packageFile(
  specifier: string,
  contentType: string,
  replacements: readonly Replacement[] = [],
): () => Promise<StaticFile> {
  let file: Promise<StaticFile> | undefined;
  return () => {
    if (file === undefined) {
      const reading = (async () => {
        let body = await readFile(await locate(specifier));
        if (replacements.length > 0)
          body = Buffer.from(replaceAll(body.toString('utf8'), specifier, replacements));
        return { body, contentType, etag: entityTag(body) };
      })();
      reading.catch(() => {
        if (file === reading) file = undefined;
      });
      file = reading;
    }
    return file;
  };
}

/**
 * Where a package file is: the copy the build put in `dist/assets` (so the published package needs neither
 * swagger-ui-dist nor redoc, whose install is some 80 MB of React), else the installed package (tests run on the
 * sources).
 */
async function locate(specifier: string): Promise<string> {
  const vendored = fileURLToPath(new URL(`./assets/${basename(specifier)}`, import.meta.url));
  try {
    await access(vendored);
    return vendored;
  } catch {
    return require.resolve(specifier);
  }
}

function replaceAll(text: string, specifier: string, replacements: readonly Replacement[]): string {
  let result = text;
  for (const [from, to] of replacements) {
    if (!result.includes(from)) throw new Error(`${specifier} no longer contains ${JSON.stringify(from)}`);
    result = result.replaceAll(from, to);
  }
  return result;
}
