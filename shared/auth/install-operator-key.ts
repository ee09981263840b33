/**
 * Side-effect module: makes the operator-key check (and with it the Secrets Manager client) available
 * to the request pipeline. Injected by esbuild into the bundles of `operator` routes only
 * (lib/platform-function.ts `bundlingFor`); imported by shared/http/in-process.ts locally.
 */
import { installAuthenticators } from './authenticate.ts';
import { verifyOperatorKey } from './operator-key.ts';

installAuthenticators({ operator: verifyOperatorKey });
