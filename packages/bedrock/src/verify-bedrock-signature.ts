import type { IncomingHttpHeaders } from 'node:http';

/** What {@link verifyBedrockSignature} checks a request against. */
export interface BedrockSignatureCheck {
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly method: string;
  /** The path as received, e.g. `/model/anthropic.claude-…-v1%3A0/invoke`. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/**
 * Recomputes a SigV4 `authorization` the way AWS does and says whether the request carries it: what the mock
 * upstream's Bedrock mode uses to refuse a badly signed request. Signs the headers the request says it signed.
 */
export async function verifyBedrockSignature(check: BedrockSignatureCheck): Promise<boolean> {
  const authorization = check.headers.authorization;
  const date = check.headers['x-amz-date'];
  if (typeof authorization !== 'string' || typeof date !== 'string') return false;
  const signedNames = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(';') ?? [];
  const headers: Record<string, string> = {};
  for (const name of signedNames) {
    const value = check.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  // The signer trusts a given body hash: left out, it hashes the body received (so a changed body fails).
  delete headers['x-amz-content-sha256'];
  const token = check.headers['x-amz-security-token'];
  // Loaded on use, as the adapter's: importing @ccb/bedrock must not cost a ccb without Bedrock the signer's memory.
  const [{ SignatureV4 }, { Hash }] = await Promise.all([
    import('@smithy/signature-v4'),
    import('@smithy/hash-node'),
  ]);
  const signer = new SignatureV4({
    service: 'bedrock',
    region: check.region,
    credentials: {
      accessKeyId: check.accessKeyId,
      secretAccessKey: check.secretAccessKey,
      ...(typeof token === 'string' ? { sessionToken: token } : {}),
    },
    sha256: Hash.bind(null, 'sha256'),
  });
  const at = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(date);
  if (at === null) return false;
  const signingDate = new Date(`${at[1]}-${at[2]}-${at[3]}T${at[4]}:${at[5]}:${at[6]}Z`);
  const [path, query] = check.path.split('?', 2) as [string, string | undefined];
  const signed = await signer.sign(
    {
      method: check.method,
      protocol: 'https:',
      hostname: String(check.headers.host ?? ''),
      path,
      query: Object.fromEntries(new URLSearchParams(query ?? '')),
      headers,
      body: check.body,
    },
    { signingDate },
  );
  return signed.headers.authorization === authorization;
}
