/** The AWS keys a Bedrock-mode mock verifies SigV4 signatures with. */
export interface MockBedrockOptions {
  /** The region requests must be signed for, e.g. `us-east-1`. */
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** A Bedrock API key also accepted as `Authorization: Bearer <apiKey>` instead of a signature. Default: none. */
  readonly apiKey?: string;
}
