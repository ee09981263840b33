/**
 * Side-effect module for running handler modules in this process (the local runtime, the benchmark):
 * installs the whole route table and both authenticators, which a Lambda bundle receives per route
 * at build time instead (lib/platform-function.ts `bundlingFor`). Import it before any request.
 */
import { routes } from '../routes.ts';
import { useRouteTable } from './route-source.ts';
import '../auth/install-bearer.ts';
import '../auth/install-operator-key.ts';

useRouteTable(routes);
