/**
 * Every framework the README documents signs a user in against the simulator, through the
 * framework's own passport integration: a mainland redirect login (state checked through the
 * framework's session), an in-app code with the phone number, and a Macao code, each posted as
 * JSON. Nothing is installed at test time; the frameworks are dev dependencies.
 * Express 4 comes from the `express4` alias (npm:express@4).
 */
import { expect } from 'chai';
import express5 from 'express';
import { createAlipaySimulator, type AlipaySimulator } from 'passport-alipay/testing';
import { freePort } from '../../e2e/demo-server';
import { BrowserlessClient } from './browserless-client';
import { startExpressApp } from './frameworks/express-app';
import { startFastifyApp } from './frameworks/fastify-app';
import { startKoaApp } from './frameworks/koa-app';
import { startNestApp } from './frameworks/nest-app';
import { ROUTES, type Credentials, type RunningApp } from './frameworks/shared';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const express4: typeof express5 = require('express4');

const FRAMEWORKS: [string, (creds: Credentials, port: number) => Promise<RunningApp>][] = [
  ['Express 4', (creds, port) => startExpressApp(express4, creds, port)],
  ['Express 5', (creds, port) => startExpressApp(express5, creds, port)],
  ['Koa (koa-passport)', startKoaApp],
  ['Fastify (@fastify/passport)', startFastifyApp],
  ['NestJS (@nestjs/passport)', startNestApp],
];

describe('system: frameworks', function () {
  this.timeout(30_000);
  let sim: AlipaySimulator;
  let creds: Credentials;
  before(async () => {
    sim = await createAlipaySimulator();
    creds = { mainland: sim.createApp({ name: 'frameworks' }), macao: sim.createMacaoClient({ name: 'frameworks' }) };
  });
  after(() => sim.close());

  for (const [name, start] of FRAMEWORKS) {
    describe(name, () => {
      let app: RunningApp;
      before(async () => {
        app = await start(creds, await freePort());
      });
      after(() => app?.close());

      async function signedInAs(client: BrowserlessClient, res: Response): Promise<unknown> {
        expect(res.status, await res.clone().text()).to.equal(302);
        expect(res.headers.get('location')).to.equal(ROUTES.me);
        const me = await client.request(`${app.url}${ROUTES.me}`);
        expect(me.status).to.equal(200);
        return me.json();
      }

      it('signs a user in through the mainland redirect, with the state kept in its session', async () => {
        const client = new BrowserlessClient();
        const start = await client.request(`${app.url}${ROUTES.login}`);
        expect(start.status).to.equal(302);
        const callback = sim.approve(start.headers.get('location') as string, '2088102000000002');
        expect(await signedInAs(client, await client.request(callback))).to.deep.equal({ provider: 'alipay', id: '2088102000000002' });
      });

      it('refuses the mainland callback in a session that did not start the login', async () => {
        const starter = new BrowserlessClient();
        const start = await starter.request(`${app.url}${ROUTES.login}`);
        const callback = sim.approve(start.headers.get('location') as string, '2088102000000002');
        const other = new BrowserlessClient();
        const res = await other.request(callback);
        expect(res.status).to.be.oneOf([401, 403]);
        expect((await other.request(`${app.url}${ROUTES.me}`)).status).to.equal(401);
      });

      it('signs a user in with an in-app code and phone number posted as JSON', async () => {
        const client = new BrowserlessClient();
        const body = { authCode: sim.mintAuthCode(creds.mainland.appId, '2088102000000001'), phoneNumber: sim.phoneNumberPayload(creds.mainland.appId, '2088102000000001') };
        const res = await client.request(`${app.url}${ROUTES.inApp}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        expect(await signedInAs(client, res)).to.deep.equal({ provider: 'alipay', id: '2088102000000001', phoneNumber: '13800000001' });
      });

      it('signs a user in with a Macao authCode posted as JSON', async () => {
        const client = new BrowserlessClient();
        const body = { authCode: sim.mintMacaoAuthCode(creds.macao.clientId, '2088102000000003') };
        const res = await client.request(`${app.url}${ROUTES.macao}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        expect(await signedInAs(client, res)).to.deep.equal({ provider: 'alipay-macao', id: '2182123456120003' });
      });

      it('refuses a Macao authCode posted as a form', async () => {
        const client = new BrowserlessClient();
        const form = new URLSearchParams({ authCode: sim.mintMacaoAuthCode(creds.macao.clientId, '2088102000000003') });
        const res = await client.request(`${app.url}${ROUTES.macao}`, { method: 'POST', body: form });
        expect(res.status).to.be.within(400, 415);
        expect((await client.request(`${app.url}${ROUTES.me}`)).status).to.equal(401);
      });
    });
  }
});
