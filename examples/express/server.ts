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
  const server = demo.app.listen(config.port, () => {
    console.log(`passport-alipay demo: http://localhost:${config.port}/`);
    if (demo.simulator) console.log(`Alipay simulator:     ${demo.simulator.url}/ (no ALIPAY_* variables set)`);
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
