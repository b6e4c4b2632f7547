/**
 * For apps that cannot receive Alipay's messages: asks `alipay.user.deloauth.detail.query` which
 * users revoked the app's authorization on each of the last days (PROTOCOL A10; request
 * `{ date, limit, offset }` with offset a page number from 1, answer `details` of
 * `{ user_id, open_id, scope, del_auth_time }`, after alipay-sdk-java's
 * AlipayUserDeloauthDetailQueryModel / DelOauthDetail), and reports each revocation once.
 */
import { formatShanghaiTimestamp, parseShanghaiTimestamp } from '../core/clock';
import { AlipayConfigError } from '../core/errors';
import { fieldText, isRecord } from '../core/fields';
import { MemorySingleUseStore, type SingleUseStore } from '../core/single-use';
import { AlipayGateway } from './gateway';
import type { AlipayGatewayClientOptions } from './openid-client';
import { resolveGatewayOptions } from './options';

/** One user who revoked the app's authorization. */
export interface RevokedAuthorization {
  /** The user's legacy id, when the app receives user ids. */
  userId?: string;
  /** The user's per-app id, when the app receives open ids. */
  openId?: string;
  /** The scope that was revoked. */
  scope?: string;
  /** When the user revoked it. */
  revokedAt?: Date;
}

/** AlipayRevocationPoller's options. */
export interface AlipayRevocationPollerOptions extends AlipayGatewayClientOptions {
  /** Called once per revocation (a rejection leaves it to be reported again on the next poll). */
  onRevoked: (revocation: RevokedAuthorization) => unknown;
  /** Milliseconds between polls once started (default 15 minutes). */
  intervalMs?: number;
  /** How many days back each poll looks, today included (default 2: a revocation just before midnight is not missed). */
  days?: number;
  /** Where reported revocations are remembered for `days` (default: memory; a RedisStateStore across servers). */
  seen?: SingleUseStore;
  /** Told when a poll fails (default: a line on stderr). */
  onError?: (err: unknown) => void;
}

const PAGE_SIZE = 100;
const DAY_MS = 24 * 3600 * 1000;

/** Polls Alipay for revoked authorizations and reports each one once. */
export class AlipayRevocationPoller {
  private readonly gateway: AlipayGateway;
  private readonly options: AlipayRevocationPollerOptions;
  private readonly seen: SingleUseStore;
  private timer: NodeJS.Timeout | undefined;

  constructor(options: AlipayRevocationPollerOptions) {
    this.gateway = new AlipayGateway(resolveGatewayOptions(options, 'AlipayRevocationPoller', 'appId, privateKey, alipayPublicKey, onRevoked'));
    if (typeof options.onRevoked !== 'function') throw new AlipayConfigError('AlipayRevocationPoller needs onRevoked: (revocation) => … (sign the user out, forget their tokens).');
    const days = options.days ?? 2;
    if (!Number.isInteger(days) || days < 1 || days > 31) throw new AlipayConfigError('days must be a whole number of days from 1 to 31 (default 2).');
    this.options = { ...options, days };
    this.seen = options.seen ?? new MemorySingleUseStore();
  }

  /** Asks once for the last `days` days; resolves with the revocations not reported before. */
  async pollOnce(): Promise<RevokedAuthorization[]> {
    const now = this.gateway.now().getTime();
    const reported: RevokedAuthorization[] = [];
    for (let back = (this.options.days as number) - 1; back >= 0; back--) {
      const date = formatShanghaiTimestamp(new Date(now - back * DAY_MS)).slice(0, 10);
      for (let page = 1; ; page++) {
        const payload = await this.gateway.call('alipay.user.deloauth.detail.query', { biz_content: JSON.stringify({ date, limit: PAGE_SIZE, offset: page }) });
        const details = Array.isArray(payload.details) ? payload.details.filter(isRecord) : [];
        for (const detail of details) {
          const revocation = revocationFrom(detail);
          if (!revocation) continue;
          const key = `deloauth:${revocation.userId ?? revocation.openId}:${fieldText(detail.del_auth_time) ?? ''}`;
          if (!(await this.seen.claimOnce(key, (this.options.days as number) * 24 * 3600 + 3600))) continue;
          try {
            await this.options.onRevoked(revocation);
          } catch (err) {
            await this.seen.release?.(key);
            throw err;
          }
          reported.push(revocation);
        }
        if (details.length < PAGE_SIZE) break;
      }
    }
    return reported;
  }

  /** Polls now and then every `intervalMs` until `stop()`; failures go to `onError`. */
  start(): this {
    if (this.timer) return this;
    const onError = this.options.onError ?? ((err: unknown) => console.error(`[passport-alipay] revocation poll failed: ${err instanceof Error ? err.message : String(err)}`));
    const run = () => void this.pollOnce().catch(onError);
    this.timer = setInterval(run, this.options.intervalMs ?? 15 * 60 * 1000);
    this.timer.unref();
    run();
    return this;
  }

  /** Stops polling. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

function revocationFrom(detail: Record<string, unknown>): RevokedAuthorization | undefined {
  const userId = fieldText(detail.user_id);
  const openId = fieldText(detail.open_id);
  if (!userId && !openId) return undefined;
  const out: RevokedAuthorization = {};
  if (userId) out.userId = userId;
  if (openId) out.openId = openId;
  const scope = fieldText(detail.scope);
  if (scope) out.scope = scope;
  const at = fieldText(detail.del_auth_time);
  const ms = at ? parseShanghaiTimestamp(at) : undefined;
  if (ms !== undefined) out.revokedAt = new Date(ms);
  return out;
}
