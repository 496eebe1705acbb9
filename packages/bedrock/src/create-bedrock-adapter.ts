import type { SignatureV4 } from '@smithy/signature-v4';
import {
  bedrockCountTokensBody,
  bedrockCountTokensTranslator,
  countTokensModelId,
} from './bedrock-count-tokens.js';
import { BedrockError } from './bedrock-error.js';
import { bedrockModelId } from './bedrock-model-ids.js';
import { bedrockRequestBody } from './bedrock-request-body.js';
import {
  type BedrockResponseTranslator,
  BedrockStreamTranslator,
  bedrockJsonTranslator,
} from './bedrock-response.js';

/** AWS access keys, signed with SigV4. */
export interface BedrockAccessKeys {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
}

/** A Bedrock API key, sent as `Authorization: Bearer`. */
export interface BedrockApiKey {
  readonly apiKey: string;
}

/** Options of {@link createBedrockAdapter}. */
export interface BedrockAdapterOptions {
  /** AWS region, e.g. `us-east-1`: the signing region, and the default URL's. */
  readonly region: string;
  /** Default `https://bedrock-runtime.{region}.amazonaws.com`; may carry a path prefix. */
  readonly baseUrl?: string | undefined;
  readonly credentials: BedrockAccessKeys | BedrockApiKey;
  /**
   * Model ids to use instead of the built-in Anthropic → Bedrock table, e.g. from a provider's `model_map` (which is
   * applied before the adapter sees the model: a mapped name not in the table passes through as is).
   */
  readonly modelMap?: Readonly<Record<string, string>> | undefined;
  /** The signing clock, ms since the epoch. Default `Date.now`. */
  readonly now?: () => number;
}

/** What the adapter is given of one attempt (structurally the proxy's `AdapterRequest`). */
export interface BedrockAdapterRequest {
  readonly method: string;
  readonly path: string;
  readonly body: Buffer | null;
  readonly model: string | undefined;
  readonly stream: boolean;
  readonly anthropicBeta: string | undefined;
}

/** One attempt as Bedrock takes it (structurally the proxy's `AdaptedAttempt`). */
export interface BedrockAttempt {
  readonly path: string;
  readonly body: Buffer;
  readonly headers: readonly (readonly [string, string])[];
  readonly response: BedrockResponseTranslator;
}

/** Claude on Amazon Bedrock as an upstream adapter of the proxy (structurally its `UpstreamAdapter`). */
export interface BedrockAdapter {
  prepare(request: BedrockAdapterRequest): Promise<BedrockAttempt> | BedrockAttempt;
}

/** `/v1/messages`, with or without a query. */
const messagesPathPattern = /^\/v1\/messages(?:\?|$)/;
/** `/v1/messages/count_tokens`, with or without a query. */
const countTokensPathPattern = /^\/v1\/messages\/count_tokens(?:\?|$)/;

/**
 * An adapter sending Messages API requests to Bedrock's InvokeModel (`POST /model/{id}/invoke`) or
 * InvokeModelWithResponseStream (`…/invoke-with-response-stream`), and `count_tokens` to CountTokens
 * (`…/count-tokens`), SigV4-signed or with a Bedrock API key, and
 * translating the answers back (event-stream frames to Anthropic SSE, Bedrock errors to Anthropic's).
 */
export function createBedrockAdapter(options: BedrockAdapterOptions): BedrockAdapter {
  const url = new URL(options.baseUrl ?? `https://bedrock-runtime.${options.region}.amazonaws.com`);
  const basePath = url.pathname.replace(/\/+$/, '');
  const modelMap = options.modelMap ?? {};
  const credentials = options.credentials;
  const now = options.now ?? Date.now;
  // AWS's signer (and its hashing) is ~15 MiB of a process: loaded on the first signed request, never by a ccb that
  // has no Bedrock provider with access keys.
  let signer: Promise<SignatureV4> | undefined;
  const signerOf = (keys: BedrockAccessKeys) => {
    signer ??= loadSigner(options.region, keys);
    return signer;
  };
  const bearer: readonly (readonly [string, string])[] | undefined =
    'apiKey' in credentials
      ? Object.freeze([['authorization', `Bearer ${credentials.apiKey}`] as const])
      : undefined;

  return {
    prepare(request) {
      const counts = countTokensPathPattern.test(request.path);
      if (request.method !== 'POST' || (!counts && !messagesPathPattern.test(request.path))) {
        throw new BedrockError(
          'CCB_BEDROCK_REQUEST_UNSUPPORTED',
          `Bedrock serves POST /v1/messages and /v1/messages/count_tokens only, not ${request.method} ${request.path.split('?', 1)[0]}`,
        );
      }
      if (request.body === null || request.model === undefined) {
        throw new BedrockError(
          'CCB_BEDROCK_REQUEST_UNSUPPORTED',
          'a Bedrock request needs a body with a model',
        );
      }
      const modelId = modelMap[request.model] ?? bedrockModelId(request.model);
      let path: string;
      let body: Buffer;
      let response: BedrockResponseTranslator;
      if (counts) {
        path = `${basePath}/model/${encodeURIComponent(countTokensModelId(modelId))}/count-tokens`;
        body = bedrockCountTokensBody(request.body, request.anthropicBeta);
        response = bedrockCountTokensTranslator();
      } else {
        const action = request.stream ? 'invoke-with-response-stream' : 'invoke';
        path = `${basePath}/model/${encodeURIComponent(modelId)}/${action}`;
        body = bedrockRequestBody(request.body, request.anthropicBeta);
        response = request.stream ? new BedrockStreamTranslator() : bedrockJsonTranslator;
      }
      if ('apiKey' in credentials)
        return { path, body, headers: bearer as NonNullable<typeof bearer>, response };
      const signedAt = now();
      return signerOf(credentials)
        .then((loaded) => sign(loaded, url, path, body, signedAt))
        .then((headers) => ({ path, body, headers, response }));
    },
  };
}

async function loadSigner(region: string, keys: BedrockAccessKeys): Promise<SignatureV4> {
  const [{ SignatureV4: Signer }, { Hash }] = await Promise.all([
    import('@smithy/signature-v4'),
    import('@smithy/hash-node'),
  ]);
  return new Signer({
    service: 'bedrock',
    region,
    credentials: {
      accessKeyId: keys.accessKeyId,
      secretAccessKey: keys.secretAccessKey,
      ...(keys.sessionToken === undefined ? {} : { sessionToken: keys.sessionToken }),
    },
    sha256: Hash.bind(null, 'sha256'),
  });
}

/** The SigV4 headers of one request: the host and the body's hash are signed, the client's headers are not. */
async function sign(
  signer: SignatureV4,
  url: URL,
  path: string,
  body: Buffer,
  atInMs: number,
): Promise<(readonly [string, string])[]> {
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port === '' ? {} : { port: Number(url.port) }),
      path,
      query: {},
      headers: { host: url.host },
      body,
    },
    { signingDate: new Date(atInMs) },
  );
  const headers: (readonly [string, string])[] = [];
  for (const [name, value] of Object.entries(signed.headers)) {
    if (name !== 'host') headers.push([name.toLowerCase(), value]);
  }
  return headers;
}
