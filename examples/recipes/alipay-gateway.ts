// Mounting alipayNotifications (Alipay's messages to your application gateway, 应用网关) in each
// framework. The handler reads the urlencoded form itself, or takes a body a parser already made
// (an object or a string); it answers the request itself, so nothing may answer after it.
import type { IncomingMessage } from 'http';
import { Controller, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Express } from 'express';
import type { FastifyInstance } from 'fastify';
import type Router from '@koa/router';
import type { AlipayNotificationsHandler } from 'passport-alipay';

/** Express 4 or 5 (with or without express.urlencoded before it), or any Connect-style app. */
export function mountExpress(app: Express, handler: AlipayNotificationsHandler): void {
  app.post('/alipay/gateway', handler);
}

/** Koa with @koa/router: hand Koa's raw request and response over (and a body a parser already read). */
export function mountKoa(router: Router, handler: AlipayNotificationsHandler): void {
  router.post('/alipay/gateway', async (ctx) => {
    ctx.respond = false;
    const req: IncomingMessage & { body?: unknown } = ctx.req;
    if (ctx.request.body !== undefined) req.body = ctx.request.body;
    await handler(req, ctx.res);
  });
}

/** Fastify: read urlencoded bodies as text in this plugin's scope, then hand the raw objects over. */
export async function mountFastify(app: FastifyInstance, handler: AlipayNotificationsHandler): Promise<void> {
  await app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    scope.post('/alipay/gateway', async (request, reply) => {
      reply.hijack();
      await handler(Object.assign(request.raw, { body: request.body }), reply.raw);
    });
  });
}

/** NestJS (Express platform): a controller for the gateway route, given the handler. */
export function alipayGatewayController(handler: AlipayNotificationsHandler) {
  @Controller()
  class AlipayGatewayController {
    @Post('alipay/gateway')
    async gateway(@Req() req: Request, @Res() res: Response): Promise<void> {
      await handler(req, res);
    }
  }
  return AlipayGatewayController;
}
