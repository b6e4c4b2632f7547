/**
 * AlipayOpenIdClient: the open_id migration's server-side calls (PROTOCOL A10). Alipay is moving
 * every app from the legacy `user_id` to a per-app `open_id`; these turn stored user ids into open
 * ids, signed and verified like every other gateway call, batched.
 */
import { AlipayConfigError } from '../core/errors';
import { fieldText, isRecord } from '../core/fields';
import { AlipayGateway } from './gateway';
import { resolveGatewayOptions, type MainlandGatewayOptions } from './options';

/** The options of a client that calls the mainland gateway outside a login: the strategies' keys and gateway. */
export interface AlipayGatewayClientOptions extends Omit<MainlandGatewayOptions, 'skipUserProfile' | 'answerWindow' | 'name'> {}

/** One user's ids in the app. */
export interface OpenIdMapping {
  /** The legacy id (2088…). */
  userId: string;
  /** The user's per-app id. */
  openId: string;
  /** The id shared by the apps of one application group, when the app is in one. */
  unionId?: string;
}

/** What `batchQuery` resolves. */
export interface OpenIdWorkOrderResult {
  /** The ids Alipay mapped. */
  mappings: OpenIdMapping[];
  /** The ids outside the work order's scope (`illegal_user_id_list`). */
  illegalUserIds: string[];
}

/**
 * Most user ids sent in one call. Alipay's docs we could consult name no maximum for
 * `user_id_list`, so batches stay at a conservative 100 (the simulator enforces the same).
 */
export const OPENID_BATCH_SIZE = 100;

function mappingsFrom(payload: Record<string, unknown>): OpenIdMapping[] {
  const list = Array.isArray(payload.open_id_list) ? payload.open_id_list : [];
  const out: OpenIdMapping[] = [];
  for (const entry of list) {
    if (!isRecord(entry)) continue;
    const userId = fieldText(entry.user_id);
    const openId = fieldText(entry.open_id);
    if (!userId || !openId) continue;
    const mapping: OpenIdMapping = { userId, openId };
    const unionId = fieldText(entry.union_id);
    if (unionId) mapping.unionId = unionId;
    out.push(mapping);
  }
  return out;
}

function checkedIds(userIds: unknown, method: string): string[] {
  if (!Array.isArray(userIds) || userIds.some((id) => typeof id !== 'string' || id === '')) {
    throw new AlipayConfigError(`${method} needs an array of user id strings (2088…).`);
  }
  return [...new Set(userIds as string[])];
}

function batches<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Turns legacy user ids into open ids for the app (the open_id migration's backfill). */
export class AlipayOpenIdClient {
  private readonly gateway: AlipayGateway;

  constructor(options: AlipayGatewayClientOptions) {
    this.gateway = new AlipayGateway(resolveGatewayOptions(options, 'AlipayOpenIdClient', 'appId, privateKey, alipayPublicKey'));
  }

  /**
   * The open_id (and union_id) of each user id, over `alipay.open.app.openid.uidtoopenid.batchquery`,
   * in batches of `OPENID_BATCH_SIZE`. Ids Alipay does not map are left out of the answer. A
   * refusal rejects with AlipayAPIError; `onBatch` hears each batch's result as it arrives.
   */
  async uidToOpenId(userIds: string[], onBatch?: (mappings: OpenIdMapping[], userIds: string[]) => void): Promise<OpenIdMapping[]> {
    const out: OpenIdMapping[] = [];
    for (const batch of batches(checkedIds(userIds, 'uidToOpenId'), OPENID_BATCH_SIZE)) {
      const payload = await this.gateway.call('alipay.open.app.openid.uidtoopenid.batchquery', { biz_content: JSON.stringify({ user_id_list: batch }) });
      const mappings = mappingsFrom(payload);
      onBatch?.(mappings, batch);
      out.push(...mappings);
    }
    return out;
  }

  /**
   * The same within an approved work order (`alipay.open.app.openid.batchquery`), which also
   * reports the ids outside the order's scope.
   */
  async batchQuery(orderId: string, userIds: string[]): Promise<OpenIdWorkOrderResult> {
    if (typeof orderId !== 'string' || orderId.trim() === '') throw new AlipayConfigError('batchQuery needs the approved work order id (order_id).');
    const result: OpenIdWorkOrderResult = { mappings: [], illegalUserIds: [] };
    for (const batch of batches(checkedIds(userIds, 'batchQuery'), OPENID_BATCH_SIZE)) {
      const payload = await this.gateway.call('alipay.open.app.openid.batchquery', { biz_content: JSON.stringify({ order_id: orderId, user_id_list: batch }) });
      result.mappings.push(...mappingsFrom(payload));
      if (Array.isArray(payload.illegal_user_id_list)) result.illegalUserIds.push(...payload.illegal_user_id_list.filter((id): id is string => typeof id === 'string'));
    }
    return result;
  }
}
