// Vitest: the same tests. Vitest may run several files in one worker, so stopApp() restores nock
// and startApp() activates it again.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'http';
import nock from 'nock';
import { gatewayAnswersUnsigned, gatewayGrantsToken, loginThroughCallback, startApp, stopApp } from './gateway';

describe('Sign in with Alipay', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => ({ server, base } = await startApp()));
  afterAll(() => stopApp(server));
  afterEach(() => nock.cleanAll());

  it('signs the user in with the user_id the gateway returns', async () => {
    const gateway = gatewayGrantsToken();
    const res = await loginThroughCallback(base);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/');
    expect(gateway.isDone()).toBe(true);
  });

  it('refuses an answer that Alipay did not sign', async () => {
    gatewayAnswersUnsigned();
    const res = await loginThroughCallback(base);
    expect(res.status).toBe(500); // AlipaySignatureError reaches the app's error handler
    expect(await res.text()).toBe('ALIPAY_SIGNATURE_INVALID');
  });
});
