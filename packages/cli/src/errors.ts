import { errorFactory, type ErrorCatalogue } from '@fleetward/protocol';

export const CLI_ERRORS = {
  FW_CLI_USAGE: {
    fault: 'input',
    summary: 'The command line is incomplete or has an unknown command or option; see `fleetward help`.',
  },
  FW_CLI_NO_SERVER: {
    fault: 'input',
    summary:
      'No server to talk to: set FLEETWARD_URL/FLEETWARD_TOKEN/FLEETWARD_CA, pass --server/--token/--ca, or run in a data dir.',
  },
  FW_CLI_REQUEST_FAILED: {
    fault: 'unavailable',
    summary: 'The server could not be reached or answered something other than JSON.',
  },
} as const satisfies ErrorCatalogue;

export const cliError = errorFactory(CLI_ERRORS);
