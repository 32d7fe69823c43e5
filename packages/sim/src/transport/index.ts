export { SimTransport } from './transport.js';
export type { SimTransportOptions } from './transport.js';
export { Semaphore } from './semaphore.js';
