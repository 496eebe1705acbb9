import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Config } from '@ccb/config';
import {
  createGoogleTokenSource,
  type GoogleTokenSource,
  parseGoogleCredentials,
  VertexError,
} from '@ccb/vertex';

type ProviderConfig = Config['providers'][number];

/** Options of {@link vertexCredentialsFactory}: where files are and what the environment says (read once here). */
export interface VertexCredentialsOptions {
  /** Folder a relative `gcp.credentials_file` is resolved against: the config file's. */
  readonly baseDir: string;
  /** The environment: `GOOGLE_APPLICATION_CREDENTIALS`, `CLOUDSDK_CONFIG`, `APPDATA`. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The user's home folder, where gcloud keeps its application default credentials. Default `os.homedir()`. */
  readonly homeDir: string;
  /** Default `process.platform`: gcloud's folder is `%APPDATA%\gcloud` on Windows. */
  readonly platform?: NodeJS.Platform;
}

/** Makes the Google token source of a `kind: vertex` provider. */
export type VertexCredentialsFactory = (entry: ProviderConfig) => GoogleTokenSource;

/**
 * Where application default credentials are, as Google's libraries look (https://cloud.google.com/docs/authentication/application-default-credentials):
 * `GOOGLE_APPLICATION_CREDENTIALS`, else the file `gcloud auth application-default login` writes in gcloud's
 * configuration folder (`CLOUDSDK_CONFIG`, else `~/.config/gcloud`, `%APPDATA%\gcloud` on Windows). The metadata
 * server of Google's own compute is not consulted.
 */
export function applicationDefaultCredentialsPath(options: VertexCredentialsOptions): string {
  const env = options.env ?? process.env;
  const explicit = env.GOOGLE_APPLICATION_CREDENTIALS;
  if (explicit !== undefined && explicit !== '') return resolve(explicit);
  const configDir =
    nonEmpty(env.CLOUDSDK_CONFIG) ??
    ((options.platform ?? process.platform) === 'win32' && env.APPDATA !== undefined
      ? join(env.APPDATA, 'gcloud')
      : join(options.homeDir, '.config', 'gcloud'));
  return join(configDir, 'application_default_credentials.json');
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/**
 * The token source of each `kind: vertex` entry: its fixed `gcp.access_token`, or the key in `gcp.credentials_file`
 * (relative to the config file), or application default credentials. A file is read when the first token is needed and
 * read again after a failed token request, so a missing file fails that provider's attempts (ccb fails over) until it appears.
 */
export function vertexCredentialsFactory(options: VertexCredentialsOptions): VertexCredentialsFactory {
  return (entry) => {
    const gcp = entry.gcp;
    if (gcp === undefined) throw new Error(`provider ${entry.name} has no gcp settings`);
    if (gcp.access_token !== undefined) {
      return createGoogleTokenSource({ name: entry.name, credentials: { accessToken: gcp.access_token } });
    }
    const explicit = gcp.credentials_file !== undefined;
    const path = explicit
      ? resolve(options.baseDir, gcp.credentials_file as string)
      : applicationDefaultCredentialsPath(options);
    return createGoogleTokenSource({
      name: entry.name,
      credentials: async () => {
        let text: string;
        try {
          text = await readFile(path, 'utf8');
        } catch (cause) {
          const missing = (cause as NodeJS.ErrnoException).code === 'ENOENT';
          throw new VertexError(
            'CCB_VERTEX_CREDENTIALS_INVALID',
            `${entry.name}: ${path} ${missing ? 'does not exist' : 'cannot be read'}${
              explicit
                ? ' (gcp.credentials_file)'
                : '; set gcp.credentials_file, GOOGLE_APPLICATION_CREDENTIALS, or run gcloud auth application-default login'
            }`,
            { cause },
          );
        }
        return parseGoogleCredentials(text, `${entry.name}: ${path}`);
      },
    });
  };
}
