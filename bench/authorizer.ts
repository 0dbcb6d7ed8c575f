import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSigV4Signer } from '../lib/cli/sigv4-signer.ts';
import { startEmbeddedPostgres } from '../local/embedded-postgres.ts';
import { type RunningLocalStack, startLocalStack } from '../local/local-stack.ts';
import { startLocalOidcIssuer } from '../local/oidc/local-oidc-issuer.ts';

const SAMPLES = 300;
// The stage is throttled (50 requests/s steady, burst 100): requests are spaced below that rate, and
// only the request itself is timed.
const SPACING_MS = 25;
// A read route that does not touch the database, so that the difference is the authorization.
const ROUTE = 'api/openapi.json';

/**
 * What the bearer-token authorizer costs a request, against the same route of the same template
 * under IAM (SigV4), in the same run on the local cloud: a token API Gateway has cached (the
 * authorizer does not run) and a new token per request (it runs: JWT parse, RSA verify, policy).
 * Requests are made ahead (signed or minted), so the client's own crypto is not timed.
 */
export async function benchAuthorizer() {
  const dir = await mkdtemp(join(tmpdir(), 'hive-journal-bench-auth-'));
  const postgres = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), persistent: false });
  const stacks: RunningLocalStack[] = [];
  const issuer = await startLocalOidcIssuer({ audience: 'hive-journal-bench' });
  const quiet = () => {};
  try {
    const start = async (name: string, context: Record<string, string>) => {
      const stack = await startLocalStack({
        stateDir: join(dir, name),
        fresh: true,
        context,
        postgresServerUrl: postgres.serverUrl,
        databasePrefix: `${name}_`,
        apiPort: 0,
        oidcIssuer: 'external',
        log: quiet,
      });
      stacks.push(stack);
      return stack;
    };
    const iam = await start('iam', {});
    const jwt = await start('jwt', {
      auth: 'jwt',
      jwtIssuer: issuer.issuerUrl,
      jwtAudience: 'hive-journal-bench',
      readScopes: 'journal.read',
      writeScopes: 'journal.write',
    });
    const url = (stack: RunningLocalStack) => new URL(ROUTE, stack.endpoints.apiUrl);
    const sign = createSigV4Signer(iam.endpoints.region, iam.endpoints.credentials);
    const signed = await Promise.all(
      Array.from({ length: SAMPLES + 2 }, () => sign(url(iam), { method: 'GET' })),
    );
    const fresh = await Promise.all(
      Array.from({ length: SAMPLES + 2 }, () =>
        issuer.mintToken({ scope: ['journal.read'], sub: randomUUID() }),
      ),
    );
    const cached = await issuer.mintToken({ scope: ['journal.read'] });
    const get = async (target: URL, headers: Record<string, string>) => {
      const response = await fetch(target, { headers });
      if (response.status !== 200) throw new Error(`${target} answered ${response.status}`);
      await response.arrayBuffer();
    };
    const iamRequests = await latencies(SAMPLES, () => get(url(iam), signed.pop() as Record<string, string>));
    const cacheHit = await latencies(SAMPLES, () => get(url(jwt), { authorization: `Bearer ${cached}` }));
    const cacheMiss = await latencies(SAMPLES, () =>
      get(url(jwt), { authorization: `Bearer ${fresh.pop()}` }),
    );
    const diff = (a: number, b: number) => Math.round((a - b) * 100) / 100;
    return {
      route: `GET /${ROUTE}`,
      samples: SAMPLES,
      iamMs: iamRequests,
      jwtCacheHitMs: cacheHit,
      jwtCacheMissMs: cacheMiss,
      overheadVsIamMs: {
        cacheHitP50: diff(cacheHit.p50, iamRequests.p50),
        cacheHitP99: diff(cacheHit.p99, iamRequests.p99),
        cacheMissP50: diff(cacheMiss.p50, iamRequests.p50),
        cacheMissP99: diff(cacheMiss.p99, iamRequests.p99),
      },
      note: 'Local cloud: a cache miss runs the authorizer bundle in a warm worker-thread Lambda environment; IAM is the local gateway verifying SigV4. In AWS a miss adds an authorizer Lambda invoke, which this machine cannot measure.',
    };
  } finally {
    for (const stack of stacks) await stack.stop();
    await issuer.stop();
    await postgres.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** p50 and p99 in milliseconds of `samples` calls spaced SPACING_MS apart, after two warm-up calls. */
async function latencies(samples: number, call: () => Promise<unknown>) {
  const times: number[] = [];
  for (let i = 0; i < samples + 2; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, SPACING_MS));
    const started = performance.now();
    await call();
    if (i >= 2) times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round((times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)] ?? 0) * 100) / 100;
  return { samples, p50: at(0.5), p99: at(0.99) };
}
