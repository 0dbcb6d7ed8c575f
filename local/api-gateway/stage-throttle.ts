import type { StageModel } from './rest-api-model.ts';
import { TokenBucket } from './token-bucket.ts';

/** Takes a token for a request to `METHOD resourcePath`; false when it is throttled. */
export type StageThrottle = (httpMethod: string, resourcePath: string, now: number) => boolean;

/**
 * The stage's method throttling: "Per-API, per-stage throttling limits are applied at the API method
 * level for a stage" (Throttle requests to your REST APIs), so each method has a bucket of its own,
 * with its MethodSettings or else the stage-wide `*` `/*` ones. Methods with neither are not
 * throttled (the account-level limits are not emulated).
 */
export function createStageThrottle(stage: StageModel): StageThrottle {
  const buckets = new Map<string, TokenBucket | null>();
  return (httpMethod, resourcePath, now) => {
    const key = `${httpMethod} ${resourcePath}`;
    let bucket = buckets.get(key);
    if (bucket === undefined) {
      const settings = stage.methodThrottles.get(key) ?? stage.defaultThrottle;
      bucket = settings ? new TokenBucket(settings.rateLimit, settings.burstLimit, now) : null;
      buckets.set(key, bucket);
    }
    return bucket === null || bucket.take(now);
  };
}
