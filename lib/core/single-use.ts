/** A store that lets each key be claimed once for a while (a replay guard). */
export interface SingleUseStore {
  /** Resolves true the first time `key` is claimed within `ttlSeconds`, false every other time. */
  claimOnce(key: string, ttlSeconds: number): Promise<boolean>;
}
