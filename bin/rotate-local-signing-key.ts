import { join, resolve } from 'node:path';
import { rotateLocalSigningKey } from '../shared/auth/signing-keys.ts';

/**
 * `npm run rotate-signing-key`: adds a new local signing key under DATA_DIR/keys. The running
 * platform picks it up on its next start; tokens signed by the old key stay valid until they expire.
 */
const file = rotateLocalSigningKey(join(resolve(process.env.DATA_DIR ?? '.data'), 'keys'));
process.stdout.write(`New signing key: ${file}\nRestart the platform to sign with it.\n`);
