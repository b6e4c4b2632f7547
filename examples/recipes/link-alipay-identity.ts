/**
 * Account linking through the open_id migration: one account per person, whichever of Alipay's ids
 * a login carries. While an app still receives user_id, accounts are found by it; when answers
 * carry both, the open_id is attached; once only open_id arrives, accounts are found by that (and
 * the backfill, `npx passport-alipay openid-backfill`, attached it to accounts that never signed
 * in during the overlap); union_id finds the same person coming from another app of the group.
 */
import type { AlipayProfile } from 'passport-alipay';

/** An account of yours, with the Alipay ids it is known by. */
export interface Account {
  id: string;
  alipayUserId?: string;
  alipayOpenId?: string;
  alipayUnionId?: string;
}

/** The Alipay ids an account may be found by (each column unique in your database). */
export type AlipayIdField = 'alipayUserId' | 'alipayOpenId' | 'alipayUnionId';

/** What the recipe needs of your database. */
export interface AccountStore {
  findBy(field: AlipayIdField, value: string): Promise<Account | undefined>;
  create(ids: Omit<Account, 'id'>): Promise<Account>;
  /** Adds ids the account did not have yet. */
  attach(accountId: string, ids: Omit<Account, 'id'>): Promise<Account>;
}

/** The account of the person behind `profile`, created or completed with every id the login carried. */
export async function linkAlipayIdentity(store: AccountStore, profile: Pick<AlipayProfile, 'userId' | 'openId' | 'unionId'>): Promise<Account> {
  const ids: Omit<Account, 'id'> = {};
  if (profile.userId) ids.alipayUserId = profile.userId;
  if (profile.openId) ids.alipayOpenId = profile.openId;
  if (profile.unionId) ids.alipayUnionId = profile.unionId;
  // The id that stays first; then the legacy one while it still arrives; then the group's.
  const lookups: [AlipayIdField, string | undefined][] = [
    ['alipayOpenId', ids.alipayOpenId],
    ['alipayUserId', ids.alipayUserId],
    ['alipayUnionId', ids.alipayUnionId],
  ];
  for (const [field, value] of lookups) {
    if (!value) continue;
    const account = await store.findBy(field, value);
    if (!account) continue;
    const missing: Omit<Account, 'id'> = {};
    for (const key of ['alipayUserId', 'alipayOpenId', 'alipayUnionId'] as const) if (ids[key] && !account[key]) missing[key] = ids[key];
    return Object.keys(missing).length > 0 ? store.attach(account.id, missing) : account;
  }
  return store.create(ids);
}
