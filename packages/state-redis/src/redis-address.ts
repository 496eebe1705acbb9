/**
 * `host:port` of a `redis://` or `rediss://` URL, for logs and `/readyz`: the URL itself is a secret (it may carry
 * a user and password), so nothing else of it is ever shown.
 */
export function redisAddress(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port === '' ? '6379' : parsed.port}`;
  } catch {
    return '(invalid url)';
  }
}

/**
 * `message` without `secrets` (the URL, its password): an ioredis error message names host and port at most, but
 * one that quoted the URL must not carry its password into a log line.
 */
export function scrubSecrets(message: string, secrets: readonly string[]): string {
  let scrubbed = message;
  for (const secret of secrets) {
    if (secret.length >= 4) scrubbed = scrubbed.split(secret).join('[redacted]');
  }
  return scrubbed;
}
