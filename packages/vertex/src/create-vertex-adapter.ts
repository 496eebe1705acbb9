import { VertexError } from './vertex-error.js';
import { vertexModelId } from './vertex-model-ids.js';
import { vertexCountTokensBody, vertexRequestBody } from './vertex-request-body.js';
import {
  type VertexResponseTranslator,
  vertexJsonTranslator,
  vertexStreamTranslator,
} from './vertex-response.js';

/** Options of {@link createVertexAdapter}. */
export interface VertexAdapterOptions {
  /** The Google Cloud project id, e.g. `my-project`. */
  readonly project: string;
  /** The Vertex location, e.g. `us-east5`, `europe-west1` or `global`. */
  readonly region: string;
  /**
   * Default {@link vertexBaseUrl} of the region; may carry a path prefix (a gateway). Without `/v1`: the adapter
   * appends `/v1/projects/…`.
   */
  readonly baseUrl?: string | undefined;
  /**
   * Model ids to use instead of the built-in Anthropic → Vertex table. A provider's `model_map` is applied before
   * the adapter sees the model: a mapped name not in the table passes through as it is.
   */
  readonly modelMap?: Readonly<Record<string, string>> | undefined;
}

/** What the adapter is given of one attempt (structurally the proxy's `AdapterRequest`). */
export interface VertexAdapterRequest {
  readonly method: string;
  readonly path: string;
  readonly body: Buffer | null;
  readonly model: string | undefined;
  readonly stream: boolean;
  readonly anthropicBeta: string | undefined;
}

/** One attempt as Vertex takes it (structurally the proxy's `AdaptedAttempt`). */
export interface VertexAttempt {
  readonly path: string;
  readonly body: Buffer;
  readonly headers: readonly (readonly [string, string])[];
  readonly response: VertexResponseTranslator;
}

/** Claude on Google Vertex AI as an upstream adapter of the proxy (structurally its `UpstreamAdapter`). */
export interface VertexAdapter {
  prepare(request: VertexAdapterRequest): VertexAttempt;
}

/**
 * Where Vertex answers in `region`: `https://{region}-aiplatform.googleapis.com`, and the global endpoint's host
 * `https://aiplatform.googleapis.com` for `global` (https://cloud.google.com/vertex-ai/generative-ai/docs/partner-models/use-partner-models#global-endpoint).
 */
export function vertexBaseUrl(region: string): string {
  return region === 'global'
    ? 'https://aiplatform.googleapis.com'
    : `https://${region}-aiplatform.googleapis.com`;
}

/** `/v1/messages` and `/v1/messages/count_tokens`, with or without a query (`?beta=true`). */
const messagesPathPattern = /^\/v1\/messages(\/count_tokens)?(?:\?|$)/;
const noHeaders: readonly (readonly [string, string])[] = Object.freeze([]);

/** A path segment; `@` stays as it is (Google's own examples and the Vertex SDK send `claude-…@20250929`). */
function segment(value: string): string {
  return encodeURIComponent(value).replace(/%40/g, '@');
}

/**
 * An adapter sending Messages API requests to Claude on Vertex AI: `POST /v1/messages` to the model's `:rawPredict`
 * or `:streamRawPredict`, `count_tokens` to `count-tokens:rawPredict`, bodies rewritten byte-exactly
 * ({@link vertexRequestBody}), answers passed through (already Anthropic's) and Google's errors translated. It adds no
 * credential: the provider's credential source (a {@link GoogleTokenSource}) sends the `Authorization: Bearer`.
 */
export function createVertexAdapter(options: VertexAdapterOptions): VertexAdapter {
  const url = new URL(options.baseUrl ?? vertexBaseUrl(options.region));
  const modelsPath = `${url.pathname.replace(/\/+$/, '')}/v1/projects/${segment(options.project)}/locations/${segment(options.region)}/publishers/anthropic/models/`;
  const countTokensPath = `${modelsPath}count-tokens:rawPredict`;
  const modelMap = options.modelMap ?? {};

  return {
    prepare(request) {
      const match = request.method === 'POST' ? messagesPathPattern.exec(request.path) : null;
      if (match === null) {
        throw new VertexError(
          'CCB_VERTEX_REQUEST_UNSUPPORTED',
          `Claude on Vertex AI serves POST /v1/messages and /v1/messages/count_tokens only, not ${request.method} ${request.path.split('?', 1)[0]}`,
        );
      }
      if (request.body === null || request.model === undefined) {
        throw new VertexError('CCB_VERTEX_REQUEST_UNSUPPORTED', 'a Vertex request needs a body with a model');
      }
      const modelId = modelMap[request.model] ?? vertexModelId(request.model);
      if (match[1] !== undefined) {
        return {
          path: countTokensPath,
          body: vertexCountTokensBody(request.body, modelId),
          headers: noHeaders,
          response: vertexJsonTranslator,
        };
      }
      return {
        path: `${modelsPath}${segment(modelId)}:${request.stream ? 'streamRawPredict' : 'rawPredict'}`,
        body: vertexRequestBody(request.body),
        headers: noHeaders,
        response: request.stream ? vertexStreamTranslator : vertexJsonTranslator,
      };
    },
  };
}
