/**
 * alipayNotifications mounted as the docs show it (examples/recipes/alipay-gateway.ts) in every
 * framework: the simulator delivers a signed revocation to each, which verifies it and hands it to
 * the application; a forged one is refused. Express 4 runs behind express.urlencoded (the handler
 * takes the parsed object), Express 5 without a parser (the handler reads the stream), Koa behind
 * @koa/bodyparser, Fastify with a text parser, NestJS with its own body parser.
 */
import 'reflect-metadata';
import { expect } from 'chai';
import * as http from 'http';
import express5 from 'express';
import Koa from 'koa';
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Fastify from 'fastify';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { alipayNotifications, type AlipayNotificationsHandler, type UserAuthCancelledNotification } from 'passport-alipay';
import { createAlipaySimulator, type AlipaySimulator, type SimulatedAppCredentials } from 'passport-alipay/testing';
import { alipayGatewayController, mountExpress, mountFastify, mountKoa } from '../../examples/recipes/alipay-gateway';
import { freePort } from '../../e2e/demo-server';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const express4: typeof express5 = require('express4');

type Start = (handler: AlipayNotificationsHandler, port: number) => Promise<() => Promise<void>>;

function listening(server: http.Server): () => Promise<void> {
  return async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
}

const FRAMEWORKS: [string, Start][] = [
  [
    'plain http.createServer',
    async (handler, port) => {
      const server = http.createServer((req, res) => void handler(req, res));
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      return listening(server);
    },
  ],
  [
    'Express 4 behind express.urlencoded',
    async (handler, port) => {
      const app = express4();
      app.use(express4.urlencoded({ extended: false }));
      mountExpress(app, handler);
      return listening(await new Promise<http.Server>((resolve) => { const s = app.listen(port, '127.0.0.1', () => resolve(s)); }));
    },
  ],
  [
    'Express 5 without a body parser',
    async (handler, port) => {
      const app = express5();
      mountExpress(app, handler);
      return listening(await new Promise<http.Server>((resolve) => { const s = app.listen(port, '127.0.0.1', () => resolve(s)); }));
    },
  ],
  [
    'Koa behind @koa/bodyparser',
    async (handler, port) => {
      const app = new Koa();
      app.use(bodyParser());
      const router = new Router();
      mountKoa(router, handler);
      app.use(router.routes());
      return listening(await new Promise<http.Server>((resolve) => { const s = app.listen(port, '127.0.0.1', () => resolve(s)); }));
    },
  ],
  [
    'Fastify',
    async (handler, port) => {
      const app = Fastify();
      await mountFastify(app, handler);
      await app.listen({ port, host: '127.0.0.1' });
      return () => app.close();
    },
  ],
  [
    'NestJS (Express platform)',
    async (handler, port) => {
      @Module({ controllers: [alipayGatewayController(handler)] })
      class GatewayModule {}
      const app = await NestFactory.create(GatewayModule, { logger: false });
      await app.listen(port, '127.0.0.1');
      return () => app.close();
    },
  ],
];

describe('system: alipayNotifications in every framework', function () {
  this.timeout(30_000);
  let sim: AlipaySimulator;
  before(async () => {
    sim = await createAlipaySimulator({ notifyRetryDelaysMs: [] });
  });
  after(() => sim.close());

  for (const [name, start] of FRAMEWORKS) {
    describe(name, () => {
      let app: SimulatedAppCredentials;
      let url: string;
      let stop: () => Promise<void>;
      const received: UserAuthCancelledNotification[] = [];
      before(async () => {
        const port = await freePort();
        url = `http://127.0.0.1:${port}/alipay/gateway`;
        app = sim.createApp({ notifyURL: url });
        const handler = alipayNotifications({
          appId: app.appId,
          alipayPublicKey: app.alipayPublicKey,
          on: { 'alipay.open.auth.userauth.cancelled': (event) => void received.push(event) },
        });
        stop = await start(handler, port);
      });
      after(() => stop?.());

      it('receives the simulator’s signed revocation and answers success', async () => {
        const delivery = await sim.revokeAuthorization(app.appId, '2088102000000002');
        expect(delivery).to.deep.equal({ delivered: true, statuses: [200] });
        expect(received.map((e) => e.userId)).to.deep.equal(['2088102000000002']);
      });

      it('refuses a forged message with 403', async () => {
        const body = new URLSearchParams({
          app_id: app.appId,
          msg_method: 'alipay.open.auth.userauth.cancelled',
          notify_id: 'forged',
          biz_content: JSON.stringify({ user_id: '2088102000000003' }),
          sign_type: 'RSA2',
          sign: Buffer.alloc(256, 5).toString('base64'),
        });
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
        expect(res.status).to.equal(403);
        expect(received.map((e) => e.userId)).to.not.include('2088102000000003');
      });
    });
  }
});
