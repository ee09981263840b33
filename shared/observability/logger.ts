import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The platform's structured JSON logger. Request bodies, secrets, passwords and tokens are never
 * passed to it; the request middleware adds the request id and route to every line.
 */
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'identity-platform',
  logLevel: (process.env.POWERTOOLS_LOG_LEVEL as 'INFO' | undefined) ?? 'INFO',
});
