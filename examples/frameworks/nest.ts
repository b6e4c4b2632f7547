// NestJS 10–12 with @nestjs/passport: the web redirect and a Macao code posted as JSON, with sessions.
import 'reflect-metadata';
import { Controller, Get, HttpException, Injectable, Module, Post, Req, Res, UseGuards, type ExecutionContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuthGuard, PassportModule, PassportSerializer, PassportStrategy } from '@nestjs/passport';
import type { Request, Response } from 'express';
import session from 'express-session';
import passport from 'passport';
import { AlipayError, AlipayMacaoStrategy, AlipayStrategy, type AlipayMacaoProfile, type AlipayProfile, type AlipayTokenParams } from 'passport-alipay';

const env = process.env as Record<string, string>;

// `true` (third argument): the strategy then calls validate with the arity it declares (params included).
@Injectable()
export class AlipayAuthStrategy extends PassportStrategy(AlipayStrategy, 'alipay', true) {
  constructor() {
    super({ appId: env.ALIPAY_APP_ID, privateKey: env.ALIPAY_PRIVATE_KEY, alipayPublicKey: env.ALIPAY_PUBLIC_KEY, callbackURL: '/auth/alipay/callback' });
  }
  validate(_accessToken: string, _refreshToken: string, params: AlipayTokenParams, profile: AlipayProfile) {
    return { id: profile.id, tokenExpiresIn: params.expires_in };
  }
}

@Injectable()
export class AlipayMacaoAuthStrategy extends PassportStrategy(AlipayMacaoStrategy, 'alipay-macao', true) {
  constructor() {
    super({
      clientId: env.ALIPAY_MACAO_CLIENT_ID,
      authMerchantId: env.ALIPAY_MACAO_MERCHANT_ID,
      privateKey: env.ALIPAY_MACAO_PRIVATE_KEY,
      alipayPublicKey: env.ALIPAY_MACAO_PUBLIC_KEY,
    });
  }
  validate(_accessToken: string, _refreshToken: string, profile: AlipayMacaoProfile) {
    return { id: profile.id };
  }
}

@Injectable()
export class SessionSerializer extends PassportSerializer {
  serializeUser(user: Express.User, done: (err: unknown, user: Express.User) => void) {
    done(null, user);
  }
  deserializeUser(user: Express.User, done: (err: unknown, user: Express.User) => void) {
    done(null, user);
  }
}

/**
 * AuthGuard authenticates; keeping the user in the session takes logIn (the NestJS sessions
 * recipe). handleRequest answers a refused login as JSON `{ error, message }` with its status,
 * instead of AuthGuard's bare 401.
 */
function SessionAuthGuard(strategy: string) {
  @Injectable()
  class Guard extends AuthGuard(strategy) {
    override async canActivate(context: ExecutionContext) {
      const ok = (await super.canActivate(context)) as boolean;
      await super.logIn(context.switchToHttp().getRequest());
      return ok;
    }
    override handleRequest<TUser>(err: unknown, user: TUser | false, info: { message?: string } | undefined, _context: ExecutionContext, status?: number): TUser {
      if (err instanceof AlipayError) throw new HttpException({ error: err.code, message: err.message }, (err as { status?: number }).status ?? 500);
      if (err) throw err;
      if (!user) throw new HttpException({ error: 'LOGIN_FAILED', message: info?.message ?? 'Sign-in failed.' }, status ?? 401);
      return user;
    }
  }
  return Guard;
}

@Controller('auth')
export class AuthController {
  @Get('alipay')
  @UseGuards(AuthGuard('alipay'))
  login() {} // the guard redirects to Alipay

  @Get('alipay/callback')
  @UseGuards(SessionAuthGuard('alipay'))
  callback(@Res() res: Response) {
    res.redirect('/auth/me');
  }

  @Post('alipay-macao') // NestJS parses the JSON body by default
  @UseGuards(SessionAuthGuard('alipay-macao'))
  macao(@Req() req: Request) {
    return { user: req.user };
  }

  @Get('me')
  me(@Req() req: Request) {
    return { user: req.user ?? null };
  }
}

@Module({
  imports: [PassportModule.register({ session: true })],
  controllers: [AuthController],
  providers: [AlipayAuthStrategy, AlipayMacaoAuthStrategy, SessionSerializer],
})
export class AuthModule {}

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AuthModule);
  app.use(session({ secret: env.SESSION_SECRET, resave: false, saveUninitialized: false, cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto' } }));
  app.use(passport.session());
  await app.listen(Number(env.PORT ?? 3000));
}

void bootstrap();
