import { createHmac } from 'node:crypto';

/**
 * Thinking signatures as the mock makes and checks them, one key per signature domain: Anthropic's API, Bedrock and
 * Vertex accept each other's signatures (domain `anthropic`), a third party signs with its own key. A signature is
 * base64 of a nonce and an HMAC-SHA256 of the nonce and the thinking text shown (so a block with its text changed,
 * or signed elsewhere, fails); a redacted_thinking block's `data` the same over a fixed text.
 */

/** The key of a domain: derived from its name, so every mock of one domain signs alike (as one vendor's fleet). */
function keyOf(domain: string): Buffer {
  return createHmac('sha256', 'ccb-mock-signature-domains').update(domain).digest();
}

const redactedText = 'redacted thinking';

/** The signature of a thinking block with `text`, made in `domain`; `nonce` makes each block's unique. */
export function signThinking(domain: string, text: string, nonce: string): string {
  const nonceBytes = Buffer.from(nonce, 'utf8');
  const mac = createHmac('sha256', keyOf(domain)).update(nonceBytes).update(text).digest();
  return Buffer.concat([Buffer.from([nonceBytes.length]), nonceBytes, mac]).toString('base64');
}

/** True when `signature` was made in `domain` for a block showing `text`. */
export function verifyThinking(domain: string, text: string, signature: unknown): boolean {
  if (typeof signature !== 'string' || signature === '') return false;
  const bytes = Buffer.from(signature, 'base64');
  const length = bytes[0];
  if (length === undefined || bytes.length !== 1 + length + 32) return false;
  const nonce = bytes.subarray(1, 1 + length);
  const mac = createHmac('sha256', keyOf(domain)).update(nonce).update(text).digest();
  return mac.equals(bytes.subarray(1 + length));
}

/** The `data` of a redacted_thinking block made in `domain`. */
export function redactedData(domain: string, nonce: string): string {
  return signThinking(domain, redactedText, nonce);
}

/** True when redacted_thinking `data` was made in `domain`. */
export function verifyRedacted(domain: string, data: unknown): boolean {
  return verifyThinking(domain, redactedText, data);
}
