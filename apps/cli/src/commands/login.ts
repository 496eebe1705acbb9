import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { type Config, didYouMean } from '@ccb/config';
import {
  buildAuthorizeUrl,
  createPkce,
  exchangeAuthorizationCode,
  type OAuthTokens,
  ProviderError,
  parsePastedCode,
  writeTokenFile,
} from '@ccb/providers';
import { defineCommand } from 'citty';
import { CliError } from '../cli-error.js';
import { configArgs, loadCliConfig } from '../load-cli-config.js';
import { readPastedLine } from '../read-pasted-line.js';

type ProviderConfig = Config['providers'][number];
type OAuthConfig = NonNullable<ProviderConfig['oauth']>;

/** The prompt after the authorize URL; the code page of Claude's sign-in shows `code#state` to copy. */
export const pastePrompt = 'Paste the code shown after signing in:';

/**
 * `ccb login NAME`: signs a Claude subscription account in for an `auth_type: oauth` provider, as Claude Code's
 * own login does (PKCE S256 authorization code with a pasted `code#state`, protocol notes §8), and writes the
 * tokens to the provider's `oauth.token_file` (atomically, mode 0600). Prints no token, ever.
 */
export const loginCommand = defineCommand({
  meta: {
    name: 'login',
    description:
      'Sign a Claude subscription account in for an auth_type oauth provider: open the printed URL, paste the code, tokens go to its oauth.token_file',
  },
  args: {
    name: {
      type: 'positional',
      description: 'The provider (auth_type: oauth, with oauth.token_file)',
      required: true,
    },
    ...configArgs,
  },
  async run({ args }) {
    const { config, path } = await loadCliConfig(args.config);
    const provider = findOAuthProvider(config, args.name, path);
    const oauth = provider.oauth as OAuthConfig & { token_file: string };
    // Relative to the config file's folder, as ledger.path is: the file is found again whatever the cwd.
    const tokenFile = resolve(path === undefined ? process.cwd() : dirname(path), oauth.token_file);

    const pkce = createPkce();
    const authorizeUrl = buildAuthorizeUrl({
      authorizeUrl: oauth.authorize_url,
      clientId: oauth.client_id,
      redirectUri: oauth.redirect_uri,
      scopes: oauth.scopes,
      challenge: pkce.challenge,
      state: pkce.state,
    });
    process.stdout.write(
      `Sign in to the Claude account for provider "${provider.name}" by opening this URL in a browser:\n\n${authorizeUrl}\n\n${pastePrompt} `,
    );
    const pasted = await readPastedLine();
    // A terminal echoed the user's Enter; a pipe did not, so end the prompt's line before anything else is said.
    if (process.stdin.isTTY !== true) process.stdout.write('\n');
    if (pasted === undefined || pasted.trim() === '') {
      throw new CliError(
        `no code was pasted; run ccb login ${provider.name} again and paste the code the sign-in page shows`,
      );
    }
    const { code, state } = explainProviderError(provider.name, () => parsePastedCode(pasted));
    if (state !== pkce.state) {
      throw new CliError(
        `the pasted code belongs to another sign-in (its state does not match this one); run ccb login ${provider.name} again and paste the code from that sign-in`,
      );
    }
    const tokens = await explainProviderErrorAsync(provider.name, () =>
      exchangeAuthorizationCode({
        tokenUrl: oauth.token_url,
        clientId: oauth.client_id,
        redirectUri: oauth.redirect_uri,
        code,
        state,
        verifier: pkce.verifier,
        providerName: provider.name,
      }),
    );
    await explainProviderErrorAsync(provider.name, async () => {
      await mkdir(dirname(tokenFile), { recursive: true });
      await writeTokenFile(tokenFile, tokens, { exclusive: true });
    });
    process.stdout.write(`${describeSignIn(provider.name, tokenFile, tokens)}\n`);
  },
});

/** The provider named, if it can sign in: `auth_type: oauth` with an `oauth.token_file` to write. */
function findOAuthProvider(config: Config, name: string, configPath: string | undefined): ProviderConfig {
  const where = configPath ?? 'the default configuration';
  const provider = config.providers.find((candidate) => candidate.name === name);
  if (provider === undefined) {
    const names = config.providers.map((candidate) => candidate.name);
    const suggestion = didYouMean(name, names);
    throw new CliError(
      `no provider "${name}" in ${where}${suggestion === undefined ? '' : `; did you mean ${suggestion}?`}${names.length > 0 && suggestion === undefined ? ` (providers: ${names.join(', ')})` : ''}`,
    );
  }
  if (provider.auth_type !== 'oauth' || provider.oauth === undefined) {
    throw new CliError(
      `provider "${name}" has auth_type ${provider.auth_type}; ccb login is for auth_type oauth providers (a Claude subscription account with oauth: { token_file: … })`,
    );
  }
  if (provider.oauth.token_file === undefined) {
    throw new CliError(
      `provider "${name}" has no oauth.token_file to write the tokens to; add e.g. token_file: ccb-oauth-${name}.json under its oauth:`,
    );
  }
  return provider;
}

/** One line on success: where the tokens went and until when they work; never a token. */
export function describeSignIn(providerName: string, tokenFile: string, tokens: OAuthTokens): string {
  const expiry =
    tokens.expiresAt === undefined
      ? 'the access token has no stated expiry'
      : `the access token expires at ${new Date(tokens.expiresAt).toISOString()}`;
  const renewal =
    tokens.refreshToken === undefined
      ? 'no refresh token was issued, so sign in again when it expires'
      : 'ccb refreshes it before then';
  return `Signed in provider "${providerName}": tokens written to ${tokenFile} (mode 0600); ${expiry}, ${renewal}.`;
}

/** Provider errors are secret-free; this adds which login failed and what to do. */
function toCliError(providerName: string, error: unknown): unknown {
  if (!ProviderError.is(error)) return error;
  const retry =
    error.code === 'CCB_PROVIDER_OAUTH_INVALID_GRANT'
      ? `; run ccb login ${providerName} again and paste the fresh code (a code works once, and only for the sign-in that showed it)`
      : error.code === 'CCB_PROVIDER_OAUTH_CODE_INVALID'
        ? ` (run ccb login ${providerName} again to paste it)`
        : '';
  return new CliError(`sign-in failed: ${error.message.replace(/\.$/, '')}${retry}`, { cause: error });
}

function explainProviderError<T>(providerName: string, action: () => T): T {
  try {
    return action();
  } catch (error) {
    throw toCliError(providerName, error);
  }
}

async function explainProviderErrorAsync<T>(providerName: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw toCliError(providerName, error);
  }
}
