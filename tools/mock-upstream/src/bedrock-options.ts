/** The AWS keys a Bedrock-mode mock verifies SigV4 signatures with. */
export interface MockBedrockOptions {
  /** The region requests must be signed for, e.g. `us-east-1`. */
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** A Bedrock API key also accepted as `Authorization: Bearer <apiKey>` instead of a signature. Default: none. */
  readonly apiKey?: string;
  /**
   * The `anthropic_beta` flags accepted: any other is a 400 ValidationException "invalid beta flag", as Bedrock
   * answers a flag it does not know. Default: every flag accepted.
   */
  readonly acceptedBetas?: readonly string[];
}
