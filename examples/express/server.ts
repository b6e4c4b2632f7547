/** `npm start`: runs the demo on PORT (default 3000), on the simulator unless ALIPAY_* is set. */
import { existsSync } from 'fs';
import { join } from 'path';
import { createDemo } from './app';
import { configFromEnv } from './config';

const envFile = join(__dirname, '.env');
if (existsSync(envFile)) process.loadEnvFile(envFile);

async function main(): Promise<void> {
  const config = configFromEnv();
  const demo = await createDemo(config);
  // On the simulator the demo is a local toy (with a built-in test account): loopback only.
  const host = process.env.HOST ?? (demo.fullySimulated ? '127.0.0.1' : '::');
  const server = demo.app.listen(config.port, host, () => {
    console.log(`passport-alipay demo: http://${demo.fullySimulated ? '127.0.0.1' : 'localhost'}:${config.port}/`);
    if (demo.fullySimulated) console.log(`Alipay simulator:     ${demo.simulator?.url}/ (no ALIPAY_* variables set: no real Alipay account is involved)`);
    else if (demo.simulator) console.log(`Alipay simulator:     ${demo.simulator.url}/ for the side without credentials (ALLOW_PARTIAL_SIMULATOR)`);
    else console.log('Alipay:               real endpoints (ALIPAY_* variables set)');
    if (config.redisURL) console.log('Sessions:             Redis');
  });
  const stop = () => server.close(() => demo.close().then(() => process.exit(0)));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
