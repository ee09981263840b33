/**
 * Side-effect module: makes bearer-token verification (jose, the principal check, rate limiting)
 * available to the request pipeline. Injected by esbuild into the bundles of routes that verify
 * tokens (lib/platform-function.ts `bundlingFor`); imported by shared/http/in-process.ts locally.
 */
import { installAuthenticators } from './authenticate.ts';
import { authenticateBearer } from './bearer.ts';

installAuthenticators({ bearer: authenticateBearer });
