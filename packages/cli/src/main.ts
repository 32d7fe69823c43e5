import { cliError } from './errors.js';
import { out } from './output.js';
import { agent } from './commands/agent.js';
import { alerts } from './commands/alerts.js';
import { incidents } from './commands/incidents.js';
import { playbooks } from './commands/playbooks.js';
import { profiles } from './commands/profiles.js';
import { audit } from './commands/audit.js';
import { claim } from './commands/claim.js';
import { device } from './commands/device.js';
import { firmware } from './commands/firmware.js';
import { manufacturer } from './commands/manufacturer.js';
import { privacy } from './commands/privacy.js';
import { release } from './commands/release.js';
import { rollout } from './commands/rollout.js';
import { sim } from './commands/sim.js';
import { tuf } from './commands/tuf.js';
import { up } from './commands/up.js';

const HELP = `fleetward: secure and private by default device fleets

  fleetward up [--data-dir D] [--http-port 8443] [--mqtt-port 8883] [--database-url URL]
               [--host 127.0.0.1] [--public-name NAME]...
  fleetward claim create --model M [--uses N] [--ttl 1h]
  fleetward device enroll --server URL --ca FILE --claim TOKEN --id ID --out DIR
  fleetward device list|show|revoke|quarantine|release|retire [ID] [--json]
  fleetward manufacturer add --model M --name N --ca-cert FILE   (trust IDevIDs of a model)
  fleetward audit verify [--json]
  fleetward privacy catalog|owner|consent|export|erase|aggregate|notice|retention …   (fleetward privacy for usage)
  fleetward firmware keygen|sign|verify   (MCUboot images; fleetward firmware for usage)
  fleetward release publish IMG --model M [--notes TEXT] [--key FIRMWARE.pub] | release list [--model M]
  fleetward release mark-bad NAME --reason TEXT [--advisory ID]
  fleetward rollout start --release R (--model M | --group G) [--waves 1,10,50,100] [--max-failure-rate 0.05]
                    [--wave-wait 10m] | rollout status [ID] [--json] | pause|resume|abort ID | group NAME [--add …]
  fleetward tuf rotate-root [--roles R,…] | export-key --role root|targets --out FILE [--remove] | upload-root FILE
  fleetward tuf pending-targets --out F | sign-targets --key K --in F --out F (offline) | upload-targets F | import-key --role R --key K
  fleetward agent run --dir DIR --server URL [--mqtt URL] [--interval 10s] [--metrics-interval 60s] [--json]
  fleetward sim --devices N [--rate R] [--duration T] [--model M|mixed] [--json] [--storage memory|file] [--mqtt URL]
  fleetward alerts [--state active|cleared] [--device ID] | alerts show ID
  fleetward incidents [--state open|contained|resolved] | incidents show|replay ID | incidents release ID [--reason R]
  fleetward profiles|playbooks [list] | show NAME | set --file F.json|F.yaml | delete NAME

Operator commands find the server from --server/--token/--ca, FLEETWARD_URL/FLEETWARD_TOKEN/
FLEETWARD_CA, or the local data dir (--data-dir, default ./fleetward-data).`;

type Command = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  up,
  claim,
  device,
  audit,
  manufacturer,
  sim,
  agent,
  firmware,
  release,
  rollout,
  privacy,
  tuf,
  alerts,
  incidents,
  profiles,
  playbooks,
};

/** Runs one command line; resolves to the exit code. Errors print their code on stderr. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    out.result(HELP);
    return name ? 0 : 1;
  }
  const command = COMMANDS[name];
  try {
    if (!command) throw cliError('FW_CLI_USAGE', `unknown command ${name}; see fleetward help`);
    return await command(rest);
  } catch (err) {
    return out.fail(err);
  }
}
