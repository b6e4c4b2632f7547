/**
 * Who revoked the demo's Alipay authorization, and when: filled by Alipay's
 * `alipay.open.auth.userauth.cancelled` messages, read on every request of a signed-in Alipay user,
 * so that a revocation signs that user out of every session (in this process's memory, or in Redis
 * beside the sessions when several servers share them).
 */
import type { RedisClientType } from 'redis';

/** Milliseconds a revocation lookup may take before the request gets 503 (as for sessions). */
const LOOKUP_TIMEOUT_MS = 1500;
/** Revocations are kept as long as the longest session lives. */
const KEEP_MS = 7 * 24 * 3600 * 1000;

export interface RevocationList {
  /** Records that the user known by `ids` (user_id and/or open_id) revoked at `at` (ms). */
  add(ids: string[], at: number): Promise<void>;
  /** The latest revocation of any of `ids`, in ms, or undefined. */
  latest(ids: string[]): Promise<number | undefined>;
}

export function memoryRevocations(): RevocationList {
  const revoked = new Map<string, number>();
  return {
    async add(ids, at) {
      for (const id of ids) revoked.set(id, Math.max(at, revoked.get(id) ?? 0));
    },
    async latest(ids) {
      const times = ids.map((id) => revoked.get(id)).filter((t): t is number => t !== undefined);
      return times.length > 0 ? Math.max(...times) : undefined;
    },
  };
}

/** A store failure: answered 503 (the error handler reads `status`). */
class RevocationsUnavailable extends Error {
  readonly status = 503;
}

function limited<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RevocationsUnavailable(`revocation list (Redis): no answer within ${LOOKUP_TIMEOUT_MS} ms`)), LOOKUP_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout])
    .catch((err: unknown) => {
      throw err instanceof RevocationsUnavailable ? err : new RevocationsUnavailable(`revocation list (Redis) failed: ${(err as Error).message}`);
    })
    .finally(() => clearTimeout(timer));
}

export function redisRevocations(client: RedisClientType): RevocationList {
  const key = (id: string) => `passport-alipay-demo:revoked:${id}`;
  return {
    async add(ids, at) {
      await limited(Promise.all(ids.map((id) => client.set(key(id), String(at), { PX: KEEP_MS }))));
    },
    async latest(ids) {
      if (ids.length === 0) return undefined;
      const values = await limited(client.mGet(ids.map(key)));
      const times = values.filter((v): v is string => typeof v === 'string').map(Number);
      return times.length > 0 ? Math.max(...times) : undefined;
    },
  };
}
