export { CommandRegistry } from './registry.js';
export type { CommandContext, CommandHandler, CommandReply } from './registry.js';
