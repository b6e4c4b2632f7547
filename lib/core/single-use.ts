/** A store that lets each key be claimed once for a while (a replay guard). */
export interface SingleUseStore {
  /** Resolves true the first time `key` is claimed within `ttlSeconds`, false every other time. */
  claimOnce(key: string, ttlSeconds: number): Promise<boolean>;
  /** Gives a claimed key back, so the next claim succeeds (e.g. when the work it guarded failed). */
  release?(key: string): Promise<void>;
}

/**
 * A SingleUseStore in this process's memory: enough for one server; use RedisStateStore when
 * several share the work. Expired claims are swept as new ones arrive.
 */
export class MemorySingleUseStore implements SingleUseStore {
  private readonly claims = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  async claimOnce(key: string, ttlSeconds: number): Promise<boolean> {
    const now = this.now();
    for (const [k, expires] of this.claims) {
      if (expires > now) break; // insertion order is expiry order for one TTL; good enough for a sweep
      this.claims.delete(k);
    }
    const expires = this.claims.get(key);
    if (expires !== undefined && expires > now) return false;
    this.claims.delete(key);
    this.claims.set(key, now + ttlSeconds * 1000);
    return true;
  }

  async release(key: string): Promise<void> {
    this.claims.delete(key);
  }
}
