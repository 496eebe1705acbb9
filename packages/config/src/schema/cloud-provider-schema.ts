import { z } from 'zod';
import { evenWithFieldErrors, secretField } from './_fields.js';

/**
 * The cloud kinds of provider (`bedrock`, `vertex`): where they answer, their credentials' schemas, and the rules
 * a provider entry of each kind must follow (its `providerSchema` check calls them).
 */

/** An AWS region name such as `us-east-1`. */
const regionPattern = /^[a-z]{2}(-[a-z]+)+-\d+$/;
/** A Google Cloud location such as `us-east5` or `europe-west1`, or `global` (Vertex's global endpoint). */
const gcpRegionPattern = /^(?:[a-z]+-[a-z]+\d+|global)$/;
/** A Google Cloud project id (6–30 lower-case letters, digits, hyphens), or a legacy domain-scoped one (`example.com:p`). */
const gcpProjectPattern = /^(?:[a-z0-9.-]+:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

/** Where Bedrock's runtime API answers in `region`. */
export function bedrockRuntimeUrl(region: string): string {
  return `https://bedrock-runtime.${region}.amazonaws.com`;
}

/** Where Vertex AI answers in `region`: the global endpoint's host for `global`. */
export function vertexApiUrl(region: string): string {
  return region === 'global'
    ? 'https://aiplatform.googleapis.com'
    : `https://${region}-aiplatform.googleapis.com`;
}

/** `providers[].aws` — the AWS access keys a Bedrock provider signs its requests with (SigV4). */
export const providerAwsSchema = z
  .strictObject({
    access_key_id: secretField().meta({ description: 'AWS access key id (AKIA…/ASIA…). Use ${VAR}.' }),
    secret_access_key: secretField().meta({ description: 'AWS secret access key. Use ${VAR}.' }),
    session_token: secretField().optional().meta({
      description: 'Session token of temporary credentials (ASIA… keys). Use ${VAR}.',
    }),
  })
  .meta({ description: 'AWS credentials of a kind bedrock provider, signed with SigV4.' });

/** `providers[].gcp` — the Google Cloud project a Vertex provider bills, and how it gets access tokens. */
export const providerGcpSchema = z
  .strictObject({
    project: z
      .string()
      .regex(gcpProjectPattern, { error: 'must be a Google Cloud project id such as my-project' })
      .meta({
        description: 'Google Cloud project id whose Vertex AI quota serves the requests, e.g. my-project.',
      }),
    credentials_file: z.string().min(1).optional().meta({
      description:
        'A service-account key (JSON) or an authorized_user file (gcloud auth application-default login), relative to the config file. Its token_uri is honoured.',
    }),
    access_token: secretField().optional().meta({
      description:
        'A fixed access token (e.g. ${GOOGLE_ACCESS_TOKEN} from gcloud auth print-access-token), sent as it is and never refreshed. Use ${VAR}.',
    }),
  })
  .superRefine((gcp, context) => {
    const { credentials_file: file, access_token: token } = gcp as {
      credentials_file?: unknown;
      access_token?: unknown;
    };
    if (file !== undefined && token !== undefined) {
      context.addIssue({
        code: 'custom',
        path: ['access_token'],
        message:
          'must be absent when credentials_file is set: give one of credentials_file or access_token, or neither for application default credentials',
      });
    }
  }, evenWithFieldErrors)
  .meta({
    description:
      "Google Cloud settings of a kind vertex provider: project, and credentials_file or access_token; with neither, application default credentials (GOOGLE_APPLICATION_CREDENTIALS, then gcloud's application_default_credentials.json).",
  });

/** A kind bedrock provider: a region, and exactly one of `aws` (SigV4) or `api_key` (a Bedrock API key). */
export function refineBedrock(provider: Record<string, unknown>, context: z.core.ParsePayload): void {
  const issue = (path: string, message: string) =>
    context.issues.push({ code: 'custom', path: [path], message, input: context.value });
  if (provider.region === undefined) issue('region', 'is required for kind bedrock, e.g. region: us-east-1');
  else if (typeof provider.region === 'string' && !regionPattern.test(provider.region)) {
    issue('region', 'must be an AWS region such as us-east-1');
  }
  const hasAws = provider.aws !== undefined;
  const hasKey = provider.api_key !== undefined;
  if (hasAws && hasKey) {
    issue(
      'api_key',
      'must be absent when aws is set: a bedrock provider signs with aws keys or sends a Bedrock API key, not both',
    );
  } else if (!hasAws && !hasKey) {
    issue(
      'aws',
      'is required for kind bedrock: aws: { access_key_id, secret_access_key } or api_key (a Bedrock API key)',
    );
  }
  if (provider.auth_type !== undefined && provider.auth_type !== 'api_key') {
    issue('auth_type', 'must be left out for kind bedrock, which authenticates with aws or api_key');
  }
  if (provider.oauth !== undefined) issue('oauth', 'is not for kind bedrock');
  if (provider.gcp !== undefined) issue('gcp', 'is only for kind vertex');
}

/**
 * A kind vertex provider: a Google Cloud location and `gcp` (project, and a credentials file, a fixed access token or
 * neither for application default credentials). Its tokens come from Google, so no api_key, auth_type or oauth.
 */
export function refineVertex(provider: Record<string, unknown>, context: z.core.ParsePayload): void {
  const issue = (path: string, message: string) =>
    context.issues.push({ code: 'custom', path: [path], message, input: context.value });
  if (provider.region === undefined)
    issue('region', 'is required for kind vertex, e.g. region: us-east5 (or global)');
  else if (typeof provider.region === 'string' && !gcpRegionPattern.test(provider.region)) {
    issue('region', 'must be a Google Cloud location such as us-east5, europe-west1 or global');
  }
  if (provider.gcp === undefined) {
    issue(
      'gcp',
      'is required for kind vertex: gcp: { project: my-project, credentials_file: sa.json } (or access_token, or just project for application default credentials)',
    );
  }
  if (provider.api_key !== undefined) {
    issue('api_key', 'must be absent for kind vertex, which sends Google access tokens (see gcp)');
  }
  if (provider.auth_type !== undefined && provider.auth_type !== 'api_key') {
    issue('auth_type', 'must be left out for kind vertex, which authenticates with gcp');
  }
  if (provider.oauth !== undefined) issue('oauth', 'is not for kind vertex');
  if (provider.aws !== undefined) issue('aws', 'is only for kind bedrock');
}

/** A provider's resolved `gcp:`. */
export type ProviderGcpConfig = z.output<typeof providerGcpSchema>;
