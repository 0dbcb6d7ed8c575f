import {
  createHmac,
  createPublicKey,
  createSign,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import fc from 'fast-check';
import type { TokenClaims } from '../../local/oidc/local-oidc-issuer.ts';

/**
 * Authorization header values that a correct bearer-token verifier — trusting issuer X for
 * audience Y, with a clock tolerance of 60 s or less, requiring `sub` and `exp` — must refuse, for a
 * security property test: `fc.asyncProperty(badTokenRecipe, async (recipe) => { const bad = await
 * buildBadToken(recipe, ctx); ...expect 401... })`. Recipes are plain data, so a counterexample reads
 * (and shrinks) as one; the signing happens in buildBadToken.
 *
 * What is deliberately not here, because a correct verifier may accept it:
 * - `bearer <valid>` and `BEARER <valid>`: the auth scheme is case-insensitive (RFC 9110 section 11.1;
 *   API Gateway hands a TOKEN authorizer the header as it came, so the authorizer decides).
 * - several spaces after the scheme (`1*SP`, RFC 9110 section 11.4), or spaces around the whole
 *   value (an HTTP field value excludes them; proxies trim).
 * - `exp` far in the future, `nbf` or `iat` in the past, `aud` a list that includes Y.
 * - a changed last signature character or `=` padding after the signature: the last base64url
 *   character of a 256-byte signature carries 2 bits, so some changes decode to the same bytes (a
 *   lenient decoder, like aws-jwt-verify's, then verifies it); flips here avoid that character.
 *
 * Every value is a valid HTTP field value (visible ASCII and spaces), so it can be sent for real.
 */
export interface BadTokenContext {
  readonly issuerUrl: string;
  readonly audience: string;
  /** Signs claims with the issuer's key: the local issuer's mintToken. */
  readonly mintValid: (claims?: TokenClaims) => Promise<string>;
  /** The issuer's published keys, when they are not at its discovery document (a Cognito pool's). */
  readonly jwks?: { readonly keys: readonly JsonWebKey[] };
}

export interface BadToken {
  /** What is wrong with it, for a failure message. */
  readonly label: string;
  /** The whole Authorization header value. */
  readonly header: string;
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const YEAR_SECONDS = 365 * 86_400;
/** Beyond any accepted tolerance (60 s), and by 30 s more for the time between building and verifying. */
const NOT_YET_SECONDS = 90;

/** Tokens the issuer itself signs, with claims that make them unacceptable. */
const CLAIM_CASES = {
  'iss of another issuer': () => ({ extraClaims: { iss: 'https://issuer.example' } }),
  'iss with a trailing slash': (ctx) => ({ extraClaims: { iss: `${ctx.issuerUrl}/` } }),
  'iss upper-cased': (ctx) => ({ extraClaims: { iss: ctx.issuerUrl.toUpperCase() } }),
  'iss a path below the issuer': (ctx) => ({ extraClaims: { iss: `${ctx.issuerUrl}/realms/evil` } }),
  'iss empty': () => ({ extraClaims: { iss: '' } }),
  'iss missing': () => ({ extraClaims: { iss: undefined } }),
  'iss a list holding the issuer': (ctx) => ({ extraClaims: { iss: [ctx.issuerUrl] } }),
  'aud of another API': (ctx) => ({ audience: `${ctx.audience}-other` }),
  'aud with a prefix': (ctx) => ({ audience: `x${ctx.audience}` }),
  'aud with a trailing space': (ctx) => ({ audience: `${ctx.audience} ` }),
  'aud empty': () => ({ audience: '' }),
  'aud an empty list': () => ({ audience: [] }),
  'aud a list of others': (ctx) => ({ audience: [`${ctx.audience}-a`, `${ctx.audience}-b`] }),
  'aud missing': () => ({ extraClaims: { aud: undefined } }),
  'aud a number': () => ({ extraClaims: { aud: 42 } }),
  'sub missing': () => ({ extraClaims: { sub: undefined } }),
  'sub empty': () => ({ sub: '' }),
  'sub a number': () => ({ extraClaims: { sub: 42 } }),
  'sub null': () => ({ extraClaims: { sub: null } }),
  // RFC 9068 section 2.2: exp is REQUIRED in a JWT access token; without it a token never expires.
  'exp missing': () => ({ extraClaims: { exp: undefined } }),
  'exp 1 s beyond a 60 s tolerance': () => ({ expiresInSeconds: -61 }),
  'exp years ago': (_ctx, now) => ({ issuedAt: now - 3 * YEAR_SECONDS, expiresInSeconds: 3600 }),
  'exp 0': () => ({ extraClaims: { exp: 0 } }),
  'exp negative': () => ({ extraClaims: { exp: -1 } }),
  'exp hugely negative': () => ({ extraClaims: { exp: -1e15 } }),
  'exp a numeric string': (_ctx, now) => ({ extraClaims: { exp: String(now + 3600) } }),
  'exp a huge numeric string': () => ({ extraClaims: { exp: '99999999999999999999' } }),
  'exp text': () => ({ extraClaims: { exp: 'never' } }),
  'exp null': () => ({ extraClaims: { exp: null } }),
  'exp true': () => ({ extraClaims: { exp: true } }),
  'exp a list': (_ctx, now) => ({ extraClaims: { exp: [now + 3600] } }),
  'nbf beyond a 60 s tolerance': () => ({ notBeforeSeconds: NOT_YET_SECONDS }),
  'nbf years ahead': () => ({ notBeforeSeconds: 3 * YEAR_SECONDS }),
  'nbf huge': () => ({ extraClaims: { nbf: 1e15 } }),
  'nbf the largest safe integer': () => ({ extraClaims: { nbf: Number.MAX_SAFE_INTEGER } }),
  'nbf a numeric string': (_ctx, now) => ({ extraClaims: { nbf: String(now - 60) } }),
  'nbf text': () => ({ extraClaims: { nbf: 'now' } }),
  'nbf null': () => ({ extraClaims: { nbf: null } }),
  'iat text': () => ({ extraClaims: { iat: 'yesterday' } }),
} satisfies Record<string, (ctx: BadTokenContext, now: number) => TokenClaims>;

type ClaimCase = keyof typeof CLAIM_CASES;

/** Derivations of a valid token that break it without the issuer's key. */
const UNSIGNED_CHANGES = {
  'scope widened': (claims) => ({ ...claims, scope: `${claims.scope} journal.admin` }),
  'sub replaced': (claims) => ({ ...claims, sub: 'admin' }),
  'exp extended by ten years': (claims) => ({ ...claims, exp: (claims.exp as number) + 10 * YEAR_SECONDS }),
  'aud replaced': (claims) => ({ ...claims, aud: 'another-api' }),
  'a claim added': (claims) => ({ ...claims, admin: true }),
} satisfies Record<string, (claims: Record<string, unknown>) => Record<string, unknown>>;

type UnsignedChange = keyof typeof UNSIGNED_CHANGES;

const NOT_JSON_HEADERS = {
  text: 'not json',
  'cut JSON': '{"alg":"RS256",',
  'a list': '[]',
  null: 'null',
  'a string': '"RS256"',
  'a number': '256',
  'single quotes': "{'alg':'RS256'}",
  'a byte order mark first': '\uFEFF{"alg":"RS256","typ":"at+jwt"}',
  'a trailing comma': '{"alg":"RS256",}',
} satisfies Record<string, string>;

/** A recipe for one bad Authorization header; buildBadToken turns it into one. */
export type BadTokenRecipe =
  | { readonly kind: 'no token'; readonly value: '' | 'Bearer' | 'Bearer ' }
  | {
      readonly kind: 'wrong scheme';
      readonly scheme: 'Basic' | 'Token' | 'JWT' | 'Digest' | 'MAC' | 'OAuth' | 'none' | 'glued' | 'twice';
    }
  | { readonly kind: 'truncated'; readonly at: number }
  | { readonly kind: 'garbage'; readonly token: string }
  | {
      readonly kind: 'flipped';
      readonly segment: 'header' | 'payload' | 'signature';
      readonly at: number;
      readonly by: number;
    }
  | { readonly kind: 'foreign key'; readonly kid: 'same' | 'other' | 'none' | 'embedded jwk' | 'jku' }
  | {
      readonly kind: 'alg none';
      readonly alg: 'none' | 'None' | 'NONE' | 'nOnE';
      readonly withKid: boolean;
      readonly signature: 'empty' | 'original';
    }
  | {
      readonly kind: 'key confusion';
      readonly alg: 'HS256' | 'HS384' | 'HS512';
      readonly secret: 'spki pem' | 'spki pem trimmed' | 'spki der' | 'jwk json' | 'modulus';
    }
  | { readonly kind: 'unsigned change'; readonly change: UnsignedChange | 'signature of another token' }
  | {
      readonly kind: 'header alg changed';
      readonly alg: 'RS384' | 'RS512' | 'PS256' | 'ES256' | 'EdDSA' | 'rs256' | 'HS256';
    }
  | { readonly kind: 'claims'; readonly claim: ClaimCase }
  | { readonly kind: 'huge header'; readonly shape: '20 KB kid' | '10 KB of extra fields' }
  | { readonly kind: 'header not JSON'; readonly header: keyof typeof NOT_JSON_HEADERS | 'invalid UTF-8' }
  | {
      readonly kind: 'dots';
      readonly shape:
        | 'empty payload'
        | 'empty header'
        | 'empty signature'
        | 'trailing dot'
        | 'leading dot'
        | 'four parts'
        | 'two parts'
        | 'five parts'
        | 'dots only';
    };

const keysOf = <T extends object>(record: T) => Object.keys(record) as Array<keyof T & string>;

/** Every kind of bad token, evenly: each family is as likely as any other. */
export const badTokenRecipe: fc.Arbitrary<BadTokenRecipe> = fc.oneof(
  fc.record({ kind: fc.constant('no token'), value: fc.constantFrom('', 'Bearer', 'Bearer ') }),
  fc.record({
    kind: fc.constant('wrong scheme'),
    scheme: fc.constantFrom('Basic', 'Token', 'JWT', 'Digest', 'MAC', 'OAuth', 'none', 'glued', 'twice'),
  }),
  fc.record({ kind: fc.constant('truncated'), at: fc.nat() }),
  fc.record({
    kind: fc.constant('garbage'),
    token: fc
      .array(fc.stringMatching(/^[A-Za-z0-9_-]{0,80}$/), { minLength: 1, maxLength: 5 })
      .map((parts) => parts.join('.')),
  }),
  fc.record({
    kind: fc.constant('flipped'),
    segment: fc.constantFrom('header', 'payload', 'signature'),
    at: fc.nat(),
    by: fc.integer({ min: 1, max: 63 }),
  }),
  fc.record({
    kind: fc.constant('foreign key'),
    kid: fc.constantFrom('same', 'other', 'none', 'embedded jwk', 'jku'),
  }),
  fc.record({
    kind: fc.constant('alg none'),
    alg: fc.constantFrom('none', 'None', 'NONE', 'nOnE'),
    withKid: fc.boolean(),
    signature: fc.constantFrom('empty', 'original'),
  }),
  fc.record({
    kind: fc.constant('key confusion'),
    alg: fc.constantFrom('HS256', 'HS384', 'HS512'),
    secret: fc.constantFrom('spki pem', 'spki pem trimmed', 'spki der', 'jwk json', 'modulus'),
  }),
  fc.record({
    kind: fc.constant('unsigned change'),
    change: fc.constantFrom(...keysOf(UNSIGNED_CHANGES), 'signature of another token' as const),
  }),
  fc.record({
    kind: fc.constant('header alg changed'),
    alg: fc.constantFrom('RS384', 'RS512', 'PS256', 'ES256', 'EdDSA', 'rs256', 'HS256'),
  }),
  fc.record({ kind: fc.constant('claims'), claim: fc.constantFrom(...keysOf(CLAIM_CASES)) }),
  fc.record({
    kind: fc.constant('huge header'),
    shape: fc.constantFrom('20 KB kid', '10 KB of extra fields'),
  }),
  fc.record({
    kind: fc.constant('header not JSON'),
    header: fc.constantFrom(...keysOf(NOT_JSON_HEADERS), 'invalid UTF-8' as const),
  }),
  fc.record({
    kind: fc.constant('dots'),
    shape: fc.constantFrom(
      'empty payload',
      'empty header',
      'empty signature',
      'trailing dot',
      'leading dot',
      'four parts',
      'two parts',
      'five parts',
      'dots only',
    ),
  }),
) as fc.Arbitrary<BadTokenRecipe>;

/** The Authorization header value of a recipe, signed (where it is signed) for `ctx`'s issuer. */
export async function buildBadToken(recipe: BadTokenRecipe, ctx: BadTokenContext): Promise<BadToken> {
  const label = labelOf(recipe);
  const bearer = (token: string) => ({ label, header: `Bearer ${token}` });
  const now = Math.floor(Date.now() / 1000);
  switch (recipe.kind) {
    case 'no token':
      return { label, header: recipe.value };
    case 'wrong scheme': {
      const token = await validToken(ctx);
      const header =
        recipe.scheme === 'none'
          ? token
          : recipe.scheme === 'glued'
            ? `Bearer${token}`
            : recipe.scheme === 'twice'
              ? `Bearer ${token} ${token}`
              : `${recipe.scheme} ${token}`;
      return { label, header };
    }
    case 'truncated': {
      const token = await validToken(ctx);
      return bearer(token.slice(0, recipe.at % token.length));
    }
    case 'garbage':
      return bearer(recipe.token);
    case 'flipped': {
      const parts = partsOf(await validToken(ctx));
      const index = { header: 0, payload: 1, signature: 2 }[recipe.segment];
      const segment = parts[index] as string;
      // The signature's last character may carry padding bits only (see the top of the file).
      const at = recipe.at % (recipe.segment === 'signature' ? segment.length - 1 : segment.length);
      const flipped = BASE64URL[(BASE64URL.indexOf(segment[at] as string) + recipe.by) % 64] as string;
      parts[index] = `${segment.slice(0, at)}${flipped}${segment.slice(at + 1)}`;
      return bearer(parts.join('.'));
    }
    case 'foreign key': {
      const [header, payload] = decodedOf(await validToken(ctx));
      const attacker = attackerKey();
      const { kid: _kid, ...withoutKid } = header;
      const forgedHeader =
        recipe.kid === 'same'
          ? header
          : recipe.kid === 'other'
            ? { ...header, kid: 'attacker-key' }
            : recipe.kid === 'none'
              ? withoutKid
              : recipe.kid === 'embedded jwk'
                ? { ...header, jwk: attacker.publicJwk }
                : { ...header, jku: 'https://attacker.example/.well-known/jwks.json' };
      return bearer(compact(forgedHeader, payload, (input) => rsaSign(attacker.privateKey, input)));
    }
    case 'alg none': {
      const token = await validToken(ctx);
      const [header, payload] = decodedOf(token);
      const noneHeader = recipe.withKid ? { ...header, alg: recipe.alg } : { alg: recipe.alg };
      const signature = recipe.signature === 'empty' ? '' : (partsOf(token)[2] as string);
      return bearer(`${b64(JSON.stringify(noneHeader))}.${b64(JSON.stringify(payload))}.${signature}`);
    }
    case 'key confusion': {
      const [header, payload] = decodedOf(await validToken(ctx));
      const secret = await publicKeyBytes(ctx, recipe.secret);
      const hash = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' }[recipe.alg];
      return bearer(
        compact({ ...header, alg: recipe.alg, typ: 'JWT' }, payload, (input) =>
          createHmac(hash, secret).update(input).digest('base64url'),
        ),
      );
    }
    case 'unsigned change': {
      const token = await validToken(ctx);
      const [header, payload, signature] = partsOf(token) as [string, string, string];
      if (recipe.change === 'signature of another token') {
        const other = partsOf(await ctx.mintValid({ scope: ['journal.read'], sub: 'someone-else' }));
        return bearer(`${header}.${payload}.${other[2]}`);
      }
      const changed = UNSIGNED_CHANGES[recipe.change](decodedOf(token)[1]);
      return bearer(`${header}.${b64(JSON.stringify(changed))}.${signature}`);
    }
    case 'header alg changed': {
      const token = await validToken(ctx);
      const [header] = decodedOf(token);
      const [, payload, signature] = partsOf(token);
      return bearer(`${b64(JSON.stringify({ ...header, alg: recipe.alg }))}.${payload}.${signature}`);
    }
    case 'claims':
      return bearer(await ctx.mintValid({ scope: ['journal.read'], ...CLAIM_CASES[recipe.claim](ctx, now) }));
    case 'huge header': {
      const token = await validToken(ctx);
      const [header] = decodedOf(token);
      const [, payload, signature] = partsOf(token);
      const huge =
        recipe.shape === '20 KB kid'
          ? { ...header, kid: 'k'.repeat(20 * 1024) }
          : {
              ...header,
              ...Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`x-${i}`, 'v'.repeat(100)])),
            };
      return bearer(`${b64(JSON.stringify(huge))}.${payload}.${signature}`);
    }
    case 'header not JSON': {
      const [, payload, signature] = partsOf(await validToken(ctx));
      const header =
        recipe.header === 'invalid UTF-8'
          ? Buffer.from([0xff, 0xfe, 0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]).toString('base64url')
          : b64(NOT_JSON_HEADERS[recipe.header]);
      return bearer(`${header}.${payload}.${signature}`);
    }
    case 'dots': {
      const [h, p, s] = partsOf(await validToken(ctx));
      const shapes = {
        'empty payload': `${h}..${s}`,
        'empty header': `.${p}.${s}`,
        'empty signature': `${h}.${p}.`,
        'trailing dot': `${h}.${p}.${s}.`,
        'leading dot': `.${h}.${p}.${s}`,
        'four parts': `${h}.${p}.${s}.${s}`,
        'two parts': `${h}.${p}`,
        'five parts': `${h}.${p}.${s}.${p}.${s}`,
        'dots only': '...',
      };
      return bearer(shapes[recipe.shape]);
    }
  }
}

function labelOf(recipe: BadTokenRecipe): string {
  const { kind, ...details } = recipe;
  const text = Object.values(details)
    .map((value) => (typeof value === 'string' ? value : JSON.stringify(value)))
    .join(', ')
    .slice(0, 120);
  return text ? `${kind}: ${text}` : kind;
}

/** A token the verifier accepts, which the recipes then break. */
function validToken(ctx: BadTokenContext): Promise<string> {
  return ctx.mintValid({ scope: ['journal.read', 'journal.write'], sub: 'bad-token-base' });
}

function partsOf(token: string): string[] {
  return token.split('.');
}

function decodedOf(token: string): [Record<string, unknown>, Record<string, unknown>] {
  const [header, payload] = partsOf(token)
    .slice(0, 2)
    .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
  return [header, payload];
}

function b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function compact(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  sign: (input: string) => string,
): string {
  const input = `${b64(JSON.stringify(header))}.${b64(JSON.stringify(payload))}`;
  return `${input}.${sign(input)}`;
}

function rsaSign(key: KeyObject, input: string): string {
  return createSign('RSA-SHA256').update(input).sign(key, 'base64url');
}

let attacker: { privateKey: KeyObject; publicJwk: JsonWebKey } | undefined;

/** Another RS256 key pair, made once per test file (RSA key generation takes a while). */
function attackerKey(): { privateKey: KeyObject; publicJwk: JsonWebKey } {
  if (attacker === undefined) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    attacker = {
      privateKey,
      publicJwk: { ...publicKey.export({ format: 'jwk' }), kid: 'attacker-key', alg: 'RS256' },
    };
  }
  return attacker;
}

const issuerKeys = new WeakMap<BadTokenContext, Promise<{ jwk: JsonWebKey; key: KeyObject }>>();

/** The issuer's public key, as an attacker gets it: from the discovery document's jwks_uri. */
function issuerKey(ctx: BadTokenContext): Promise<{ jwk: JsonWebKey; key: KeyObject }> {
  let key = issuerKeys.get(ctx);
  if (key === undefined) {
    key = (async () => {
      if (ctx.jwks) {
        const jwk = ctx.jwks.keys[0] as JsonWebKey;
        return { jwk, key: createPublicKey({ key: jwk, format: 'jwk' }) };
      }
      const discovery = (await (await fetch(`${ctx.issuerUrl}/.well-known/openid-configuration`)).json()) as {
        jwks_uri: string;
      };
      const { keys } = (await (await fetch(discovery.jwks_uri)).json()) as { keys: JsonWebKey[] };
      const jwk = keys[0] as JsonWebKey;
      return { jwk, key: createPublicKey({ key: jwk, format: 'jwk' }) };
    })();
    issuerKeys.set(ctx, key);
  }
  return key;
}

/** The public key's bytes in the forms a confused verifier might take as an HMAC secret. */
async function publicKeyBytes(
  ctx: BadTokenContext,
  form: Extract<BadTokenRecipe, { kind: 'key confusion' }>['secret'],
): Promise<Buffer> {
  const { jwk, key } = await issuerKey(ctx);
  const pem = key.export({ type: 'spki', format: 'pem' }) as string;
  switch (form) {
    case 'spki pem':
      return Buffer.from(pem);
    case 'spki pem trimmed':
      return Buffer.from(pem.trim());
    case 'spki der':
      return key.export({ type: 'spki', format: 'der' });
    case 'jwk json':
      return Buffer.from(JSON.stringify(jwk));
    case 'modulus':
      return Buffer.from(jwk.n as string, 'base64url');
  }
}
