import { configFrom, startServer } from '@fleetward/server';
import { parse } from '../args.js';
import { out } from '../output.js';
import { demoSize, startDemo } from './demo.js';

/**
 * `fleetward up`: starts the platform. Prints secrets of a first run once (stderr), then one
 * line `ready https://… mqtts://…` (stdout). SIGINT/SIGTERM close it cleanly: listeners stop,
 * in-flight acknowledgements finish, the store closes.
 */
export async function up(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    'data-dir': { type: 'string' },
    'database-url': { type: 'string' },
    host: { type: 'string' },
    'http-port': { type: 'string' },
    'mqtt-port': { type: 'string' },
    'public-name': { type: 'string', multiple: true },
    'device-cert-days': { type: 'string' },
    demo: { type: 'string' },
  });
  const config = configFrom({
    dataDir: values['data-dir'],
    databaseUrl: values['database-url'],
    host: values.host,
    httpPort: values['http-port'],
    mqttPort: values['mqtt-port'],
    publicNames: values['public-name']?.join(','),
    deviceCertDays: values['device-cert-days'],
  });
  const demoDevices = values.demo === undefined ? undefined : demoSize(values.demo);
  const server = await startServer(config);
  if (server.firstRun) {
    const { username, password, token } = server.firstRun;
    out.say(
      [
        '',
        'First run: an admin account was created. These secrets are shown once and stored only hashed.',
        `  username: ${username}`,
        `  password: ${password}`,
        `  API token: ${token}   (also in ${server.files.adminToken}, mode 0600)`,
        `Trust ${server.files.caPem} as the root CA (devices and the CLI).`,
        '',
      ].join('\n'),
    );
  }
  out.result(`ready ${server.urls.https} ${server.urls.mqtts}`);
  const demo =
    demoDevices === undefined
      ? undefined
      : await startDemo(server, demoDevices, config.dataDir ?? '.').catch(async (err: unknown) => {
          await server.close();
          throw err;
        });
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      out.say(`${signal}: shutting down`);
      Promise.resolve(demo?.stop())
        .catch(() => undefined)
        .then(() => server.close())
        .then(resolve, (err: unknown) => {
          out.fail(err);
          resolve();
        });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  return 0;
}
