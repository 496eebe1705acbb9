/**
 * Where a `postgres://` URL points, safe to print and log: `host:port/database`, never the user or the password.
 * An unparsable URL gives `postgres` (its text may hold a password).
 */
export function postgresLocation(url: string): string {
  try {
    const parsed = new URL(url);
    const host = parsed.hostname === '' ? 'localhost' : parsed.hostname;
    const port = parsed.port === '' ? '5432' : parsed.port;
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
    return `${host}:${port}/${database === '' ? '(default database)' : database}`;
  } catch {
    return 'postgres';
  }
}
