import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CryptoKey, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { inject } from 'vitest';
import { type LocalOidcIssuer, startLocalOidcIssuer } from '../../local/oidc/local-oidc-issuer.ts';
import { createTokenSigner, type TokenSigner } from '../../local/oidc/token-signer.ts';
import { synthesize } from '../../local/template/synthesize.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** The issuer every jwt-mode test stack trusts (started once by the global setup). */
export interface ProvidedOidcIssuer {
  readonly issuerUrl: string;
  readonly audience: string;
  readonly kid: string;
  /** The signing key, so that test workers mint tokens (good and bad) themselves. */
  readonly privateJwk: JWK;
}

/** The scopes of the jwt test stack (as a deployer gives them with -c). */
export const TEST_SCOPES = { read: 'journal.read', write: 'journal.write' };
const TEST_AUDIENCE = 'hive-journal-test';
// A fixed port keeps the synthesized app cached across runs; another is taken when it is busy.
const PREFERRED_PORT = 4598;

/**
 * Starts the tests' OIDC issuer, then synthesizes the dev stage in jwt mode trusting it, exactly as
 * a deployer would (`cdk synth -c auth=jwt -c jwtIssuer=... ...`).
 */
export async function startTestIssuerAndSynth(): Promise<{
  issuer: LocalOidcIssuer;
  provided: ProvidedOidcIssuer;
  assemblyDir: Promise<string>;
}> {
  const keys = await generateKeyPair('RS256', { extractable: true });
  const issuer = await startLocalOidcIssuer({ audience: TEST_AUDIENCE, port: PREFERRED_PORT }, keys).catch(
    () => startLocalOidcIssuer({ audience: TEST_AUDIENCE, port: 0 }, keys),
  );
  const jwks = (await (await fetch(issuer.jwksUri)).json()) as { keys: [{ kid: string }] };
  const provided: ProvidedOidcIssuer = {
    issuerUrl: issuer.issuerUrl,
    audience: TEST_AUDIENCE,
    kid: jwks.keys[0].kid,
    privateJwk: await exportJWK(keys.privateKey),
  };
  const assemblyDir = synthesize({
    projectRoot: REPO,
    outDir: join(REPO, '.hive-journal', 'cdk.out', `test-jwt-${new URL(issuer.issuerUrl).port}`),
    context: {
      stage: 'dev',
      auth: 'jwt',
      jwtIssuer: issuer.issuerUrl,
      jwtAudience: TEST_AUDIENCE,
      readScopes: TEST_SCOPES.read,
      writeScopes: TEST_SCOPES.write,
    },
  }).then((synthesis) => synthesis.assemblyDir);
  return { issuer, provided, assemblyDir };
}

/** The user pool the cognito-mode test stack imports (its region is the local account's). */
export const TEST_USER_POOL_ID = 'us-east-1_HiveTest1';

/** Synthesizes the dev stage with `-c auth=cognito`, the same scopes, and TEST_USER_POOL_ID. */
export async function synthCognitoStage(): Promise<string> {
  const synthesis = await synthesize({
    projectRoot: REPO,
    outDir: join(REPO, '.hive-journal', 'cdk.out', 'test-cognito'),
    context: {
      stage: 'dev',
      auth: 'cognito',
      cognitoUserPoolIds: TEST_USER_POOL_ID,
      readScopes: TEST_SCOPES.read,
      writeScopes: TEST_SCOPES.write,
    },
  });
  return synthesis.assemblyDir;
}

/** Mints tokens of the tests' issuer in a test worker. */
export async function testTokenSigner(): Promise<TokenSigner & ProvidedOidcIssuer> {
  const provided = inject('oidcIssuer');
  const privateKey = (await importJWK(provided.privateJwk, 'RS256')) as CryptoKey;
  return {
    ...provided,
    ...createTokenSigner({
      issuerUrl: provided.issuerUrl,
      audience: provided.audience,
      privateKey,
      kid: provided.kid,
    }),
  };
}
