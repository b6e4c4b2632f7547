/**
 * NestJS with @nestjs/passport on the Express platform. `PassportStrategy(AlipayStrategy, 'alipay',
 * true)`: the third argument tells the mixin to give its callback the arity of `validate` + 1, so
 * a `validate(accessToken, refreshToken, params, profile)` receives the params and the profile;
 * without it the strategy sees a zero-arity callback and calls it with (…, profile, done).
 */
import 'reflect-metadata';
import { Controller, Get, Injectable, type ExecutionContext, Module, Post, Req, Res, UseGuards, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuthGuard, PassportModule, PassportSerializer, PassportStrategy } from '@nestjs/passport';
import session from 'express-session';
import passport from 'passport';
import type { Request, Response } from 'express';
import {
  AlipayInAppStrategy,
  AlipayMacaoStrategy,
  AlipayStrategy,
  type AlipayInAppProfile,
  type AlipayMacaoProfile,
  type AlipayProfile,
  type AlipayTokenParams,
} from 'passport-alipay';
import { ROUTES, strategyOptions, toUser, type Credentials, type RunningApp, type SignedInUser } from './shared';

/**
 * AuthGuard authenticates; keeping the user in the session takes `logIn` (the pattern of the NestJS
 * sessions guide).
 */
function SessionAuthGuard(strategy: string) {
  @Injectable()
  class Guard extends AuthGuard(strategy) {
    override async canActivate(context: ExecutionContext): Promise<boolean> {
      const ok = (await super.canActivate(context)) as boolean;
      await super.logIn(context.switchToHttp().getRequest());
      return ok;
    }
  }
  return Guard;
}

function appModule(creds: Credentials, url: string): DynamicModule {
  const options = strategyOptions(creds, url);

  @Injectable()
  class AlipayAuth extends PassportStrategy(AlipayStrategy, 'alipay', true) {
    constructor() {
      super(options.alipay);
    }
    validate(accessToken: string, _refreshToken: string, params: AlipayTokenParams, profile: AlipayProfile): SignedInUser {
      // With the arity declared, params really is the token payload (not the profile).
      if (params.access_token !== accessToken) throw new Error('validate() received its arguments shifted');
      return toUser(profile);
    }
  }

  @Injectable()
  class AlipayInAppAuth extends PassportStrategy(AlipayInAppStrategy, 'alipay-in-app', true) {
    constructor() {
      super(options.inApp);
    }
    validate(_accessToken: string, _refreshToken: string, profile: AlipayInAppProfile): SignedInUser {
      return toUser(profile);
    }
  }

  @Injectable()
  class AlipayMacaoAuth extends PassportStrategy(AlipayMacaoStrategy, 'alipay-macao', true) {
    constructor() {
      super(options.macao);
    }
    validate(_accessToken: string, _refreshToken: string, profile: AlipayMacaoProfile): SignedInUser {
      return toUser(profile);
    }
  }

  @Injectable()
  class SessionSerializer extends PassportSerializer {
    serializeUser(user: SignedInUser, done: (err: Error | null, json: string) => void): void {
      done(null, JSON.stringify(user));
    }
    deserializeUser(json: string, done: (err: Error | null, user: SignedInUser) => void): void {
      done(null, JSON.parse(json) as SignedInUser);
    }
  }

  @Controller()
  class AuthController {
    @Get(ROUTES.login)
    @UseGuards(AuthGuard('alipay'))
    login(): void {
      // The guard redirects to Alipay.
    }

    @Get(ROUTES.callback)
    @UseGuards(SessionAuthGuard('alipay'))
    callback(@Res() res: Response): void {
      res.redirect(ROUTES.me);
    }

    @Post(ROUTES.inApp)
    @UseGuards(SessionAuthGuard('alipay-in-app'))
    inApp(@Res() res: Response): void {
      res.redirect(ROUTES.me);
    }

    @Post(ROUTES.macao)
    @UseGuards(SessionAuthGuard('alipay-macao'))
    macao(@Res() res: Response): void {
      res.redirect(ROUTES.me);
    }

    @Get(ROUTES.me)
    me(@Req() req: Request, @Res() res: Response): void {
      if (!req.user) res.status(401).json({});
      else res.json(req.user);
    }
  }

  @Module({})
  class AppModule {}

  return {
    module: AppModule,
    imports: [PassportModule.register({ session: true })],
    controllers: [AuthController],
    providers: [AlipayAuth, AlipayInAppAuth, AlipayMacaoAuth, SessionSerializer],
  };
}

export async function startNestApp(creds: Credentials, port: number): Promise<RunningApp> {
  const url = `http://127.0.0.1:${port}`;
  const app = await NestFactory.create(appModule(creds, url), { logger: false });
  app.use(session({ secret: 'frameworks-test', resave: false, saveUninitialized: false }));
  // @nestjs/passport registers strategies on passport's default instance; restore users from the session.
  app.use(passport.session());
  await app.listen(port, '127.0.0.1');
  return { url, close: () => app.close() };
}
