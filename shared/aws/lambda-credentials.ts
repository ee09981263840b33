/**
 * The AWS SDK's credential provider inside a Lambda bundle: the execution role's credentials from
 * the environment, and nothing else.
 *
 * Every SDK client's runtime config imports `defaultProvider` from @aws-sdk/credential-provider-node
 * (the full chain: environment, SSO, INI files, process, web identity, ECS/EC2 metadata, with the
 * STS/SSO clients of @aws-sdk/nested-clients). esbuild replaces that package with this module when
 * it builds a function (`--alias`, lib/platform-function.ts `bundlingOptions`), so the chain's other
 * providers are never bundled. This is not a behaviour change: the Lambda runtime sets
 * AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN to the execution role's credentials
 * for every function that is not a SnapStart function (AWS Lambda "Defined runtime environment
 * variables"), and the full chain tries the environment first, so in Lambda it always stopped there.
 * Locally nothing is bundled: the SDK keeps its full chain and the local engines get static
 * credentials (shared/storage/clients.ts).
 */

/** Credentials as the SDK's identity providers return them. */
export interface EnvironmentCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
  accountId?: string;
}

/**
 * Same shape as @aws-sdk/credential-provider-node's `defaultProvider`: called once per client with
 * its configuration, returns the provider the client calls before signing.
 *
 * @throws Error (from the returned provider) when AWS_ACCESS_KEY_ID or AWS_SECRET_ACCESS_KEY is unset.
 */
export function defaultProvider(_init?: unknown): () => Promise<EnvironmentCredentials> {
  return async () => {
    const accessKeyId = process.env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY;
    if (!accessKeyId || !secretAccessKey) {
      throw new Error('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set: this bundle reads credentials only from the Lambda environment');
    }
    const sessionToken = process.env.AWS_SESSION_TOKEN;
    const expiration = process.env.AWS_CREDENTIAL_EXPIRATION;
    const accountId = process.env.AWS_ACCOUNT_ID;
    return {
      accessKeyId,
      secretAccessKey,
      ...(sessionToken ? { sessionToken } : {}),
      ...(expiration ? { expiration: new Date(expiration) } : {}),
      ...(accountId ? { accountId } : {}),
    };
  };
}
