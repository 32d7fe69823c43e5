import type { AddressInfo } from 'node:net';
import { buildFleetward, type BuildDeps, type Fleetward } from './build.js';
import type { ServerConfig } from './config.js';
import { dataFiles, writePrivate, writePublic, type DataFiles } from './files.js';

export interface FirstRunSecrets {
  readonly username: string;
  readonly password: string;
  readonly token: string;
}

export interface RunningFleetward {
  readonly fleetward: Fleetward;
  readonly urls: { readonly https: string; readonly mqtts: string };
  /** Present on the first run only: print once, never again. */
  readonly firstRun: FirstRunSecrets | undefined;
  readonly files: DataFiles;
  /** Graceful: the gateway stops accepting and flushes acknowledgements, HTTP drains, the store closes. */
  close(): Promise<void>;
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** Builds the platform, creates the admin on first run, listens, and writes the data-dir files. */
export async function startServer(config: ServerConfig, deps: BuildDeps = {}): Promise<RunningFleetward> {
  const fw = await buildFleetward(config, deps);
  try {
    const admin = await fw.operators.bootstrapAdmin();
    await fw.http.app.listen({ host: config.host, port: config.httpPort });
    const httpPort = (fw.http.app.server.address() as AddressInfo).port;
    const mqtt = await fw.gateway.listen(config.mqttPort, config.host);
    const urls = {
      https: `https://${urlHost(config.host)}:${httpPort}`,
      mqtts: `mqtts://${urlHost(config.host)}:${mqtt.port}`,
    };
    const files = dataFiles(config.dataDir ?? '.');
    if (config.dataDir) {
      await writePublic(files.caPem, fw.identity.rootPem);
      await writePublic(files.url, `${urls.https}\n`);
      await writePublic(files.mqttUrl, `${urls.mqtts}\n`);
      if (admin) await writePrivate(files.adminToken, `${admin.token}\n`);
    }
    let closing: Promise<void> | undefined;
    return {
      fleetward: fw,
      urls,
      firstRun: admin,
      files,
      close: () =>
        (closing ??= (async () => {
          await fw.gateway.close();
          await fw.http.app.close();
          await fw.store.close();
        })()),
    };
  } catch (err) {
    await fw.gateway.close().catch(() => undefined);
    await fw.http.app.close().catch(() => undefined);
    await fw.store.close().catch(() => undefined);
    throw err;
  }
}
