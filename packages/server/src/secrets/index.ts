export { loadMasterKey, MASTER_KEY_FILE } from './master-key.js';
export { Sealer } from './sealed.js';
export { hashPassword, hashToken, tokenMatches, verifyPassword } from './hashing.js';
