/**
 * Random identifiers (OAuth states) from a pooled CSPRNG buffer: one `randomFillSync` call serves
 * many logins, where a `randomBytes` call per login costs a system call and a Buffer each time.
 */
import { randomFillSync } from 'crypto';

const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let offset = 0;

/** `bytes` random bytes as base64url text (18 bytes: 24 characters, 144 bits). */
export function randomToken(bytes = 18): string {
  if (offset + bytes > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(POOL_BYTES));
    offset = 0;
  }
  const token = pool.toString('base64url', offset, offset + bytes);
  // Each byte is handed out once: overwrite it so no later reader of the pool sees it.
  pool.fill(0, offset, offset + bytes);
  offset += bytes;
  return token;
}
