import { createLocalUserPool, type LocalUserPool, type UserPoolKeyPair } from './local-user-pool.ts';

export type {
  AccessTokenOptions,
  IdTokenOptions,
  LocalUserPool,
  UserPoolJwk,
  UserPoolJwks,
  UserPoolKeyPair,
} from './local-user-pool.ts';

/** The stand-ins for the Cognito user pools a template's authorizers name, by pool id. */
export interface LocalUserPools {
  readonly pools: readonly LocalUserPool[];
  /** The pool with this id; throws naming the pools there are when there is none. */
  pool(poolId: string): LocalUserPool;
  has(poolId: string): boolean;
}

/**
 * One local user pool per id (repeats collapse), each with a key pair generated now unless `keys`
 * gives one for its id (tests that must know a pool's key before the gateway starts).
 */
export async function createLocalUserPools(
  poolIds: Iterable<string>,
  options: { readonly keys?: Readonly<Record<string, UserPoolKeyPair>> } = {},
): Promise<LocalUserPools> {
  const ids = [...new Set(poolIds)];
  const pools = await Promise.all(ids.map((id) => createLocalUserPool(id, options.keys?.[id])));
  const byId = new Map(pools.map((pool) => [pool.poolId, pool]));
  return {
    pools,
    has: (poolId) => byId.has(poolId),
    pool: (poolId) => {
      const found = byId.get(poolId);
      if (!found) {
        throw new Error(
          `no local user pool ${poolId}; the local pools are ${ids.length === 0 ? 'none' : ids.join(', ')}`,
        );
      }
      return found;
    },
  };
}
