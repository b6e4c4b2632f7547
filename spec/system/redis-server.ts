/** Starts Debian's redis-server on a free loopback port for a test, and stops it. */
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import { connect } from 'net';
import IORedis from 'ioredis';
import { createClient } from 'redis';
import type { RedisStateClient } from 'passport-alipay';
import { freePort } from '../../e2e/demo-server';

function redisServerInstalled(): boolean {
  return spawnSync('redis-server', ['--version']).status === 0;
}

/**
 * Skips the calling suite (from its `before`) when redis-server is missing, saying why; on CI,
 * which installs it (.ci/run) and must run these tests, fails instead.
 */
export function requireRedisServer(context: Mocha.Context): void {
  if (redisServerInstalled()) return;
  if (process.env.CI) throw new Error('redis-server is not installed');
  console.warn('    redis-server is not installed: skipping (apt-get install redis-server)');
  context.skip();
}

async function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

export interface RunningRedis {
  url: string;
  port: number;
  /** Stops it politely (SIGTERM). */
  stop(): Promise<void>;
  /** Kills it as a crash would (SIGKILL): no goodbye to its clients. */
  kill(): Promise<void>;
  /** Freezes it (SIGSTOP): connections stay open and nothing answers, as a hung server does. */
  pause(): void;
  /** Thaws it (SIGCONT). */
  resume(): void;
}

/** Starts redis-server on `port` (a free one by default); start again on the same port to restart it. */
export async function startRedis(port?: number): Promise<RunningRedis> {
  port ??= await freePort();
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  for (let i = 0; i < 100 && !(await accepting(port)); i++) await new Promise((r) => setTimeout(r, 50));
  if (!(await accepting(port))) {
    child.kill();
    throw new Error('redis-server did not start');
  }
  const end = (signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
  };
}

/** The two Redis clients RedisStateStore supports. */
export type RedisFlavour = 'node-redis' | 'ioredis';

/** A connected client of `flavour` for `url`, as RedisStateStore takes it (and `quit` to close it). */
export async function connectRedisClient(flavour: RedisFlavour, url: string): Promise<RedisStateClient & { quit(): Promise<unknown> }> {
  if (flavour === 'ioredis') return new IORedis(url) as unknown as RedisStateClient & { quit(): Promise<unknown> };
  const client = createClient({ url });
  await client.connect();
  return client as unknown as RedisStateClient & { quit(): Promise<unknown> };
}
