export { main } from './main.js';
export { CLI_ERRORS } from './errors.js';
