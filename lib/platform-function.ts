import * as path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { PackageFiles, RouteDefinition } from '../shared/routes.ts';
import { PACKAGE_FILES_FOLDER } from '../shared/http/package-files.ts';
import { repoRoot } from './config.ts';

/**
 * Lambda runtime for every route. nodejs24.x is the newest runtime this aws-cdk-lib knows, which
 * also keeps cdk-nag's L1 (latest runtime) satisfied without an acknowledgement.
 */
export const functionRuntime = lambda.Runtime.NODEJS_24_X;

export const defaultMemoryMb = 256;
export const defaultTimeoutSeconds = 10;

/**
 * ESM bundles have no `require`, yet some bundled CommonJS dependencies call it for Node
 * built-ins. The alias avoids a clash with a bundled module that imports `createRequire` itself.
 */
const esmRequireBanner =
  "import { createRequire as __platformCreateRequire } from 'node:module'; " +
  'const require = __platformCreateRequire(import.meta.url);';

/** esbuild settings shared by every route function. */
export const bundlingOptions: BundlingOptions = {
  minify: true,
  sourceMap: true,
  // Node only needs the mappings; embedding the sources would double the artefact size.
  sourcesContent: false,
  format: OutputFormat.ESM,
  target: 'node22',
  mainFields: ['module', 'main'],
  banner: esmRequireBanner,
  // Bundle the AWS SDK too: tree-shaken clients start faster than the runtime's full copy and
  // pin the SDK version we tested with.
  externalModules: [],
};

/**
 * Shell commands that copy a route's `packageFiles` from node_modules next to its bundle (run by
 * NodejsFunction after esbuild; the function reads them with readPackageFile). File names are
 * checked by validateRouteTable, so they need no quoting beyond the paths'.
 */
export function packageFileCommands(packageFiles: readonly PackageFiles[], inputDir: string, outputDir: string): string[] {
  return packageFiles.flatMap((entry) =>
    entry.files.flatMap((file) => {
      const source = path.posix.join(inputDir, 'node_modules', entry.package, file);
      const target = path.posix.join(outputDir, PACKAGE_FILES_FOLDER, entry.package, file);
      return [`mkdir -p "${path.posix.dirname(target)}"`, `cp "${source}" "${target}"`];
    }),
  );
}

/** The bundling of one route: the shared settings, plus copying its package files if it has any. */
export function bundlingFor(route: RouteDefinition): BundlingOptions {
  const packageFiles = route.packageFiles ?? [];
  if (packageFiles.length === 0) return bundlingOptions;
  return {
    ...bundlingOptions,
    commandHooks: {
      beforeBundling: () => [],
      beforeInstall: () => [],
      afterBundling: (inputDir, outputDir) => packageFileCommands(packageFiles, inputDir, outputDir),
    },
  };
}

/**
 * Placeholder code for synth-only runs (infra tests): it fails loudly if ever deployed. Keeping a
 * NodejsFunction with a `code` override means both paths share every other setting.
 */
const placeholderCode =
  "exports.handler = async () => { throw new Error('Deployed without bundling (identity-platform:skipBundling)'); };";

export interface RouteFunctionProps {
  readonly route: RouteDefinition;
  /** Shared execution role; the function grants it write access to its own log group. */
  readonly role: IRole;
  /** Environment common to all functions of the region; ROUTE_ID is added here. */
  readonly environment: Readonly<Record<string, string>>;
  readonly logRetentionDays: number;
  /** true: placeholder code instead of esbuild (tests only). */
  readonly skipBundling: boolean;
}

/** The one factory for route functions: one function (and its log group) per route-table row. */
export function createRouteFunction(scope: Construct, id: string, props: RouteFunctionProps): lambda.Function {
  const { route } = props;
  return createPlatformFunction(scope, id, {
    description: `${route.method} ${route.path}: ${route.summary}`,
    handler: route.handler,
    memoryMb: route.memoryMb ?? defaultMemoryMb,
    timeoutSeconds: route.timeoutSeconds ?? defaultTimeoutSeconds,
    role: props.role,
    environment: { ...props.environment, ROUTE_ID: route.id },
    logRetentionDays: props.logRetentionDays,
    skipBundling: props.skipBundling,
    bundling: bundlingFor(route),
  });
}

export interface PlatformFunctionProps {
  readonly description: string;
  /** Handler module relative to the repository root; it exports `handler`. */
  readonly handler: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  /** Execution role; the function grants it write access to its own log group. */
  readonly role: IRole;
  readonly environment: Readonly<Record<string, string>>;
  readonly logRetentionDays: number;
  readonly skipBundling: boolean;
  readonly bundling?: BundlingOptions;
  /** Run in these subnets of this VPC with these security groups (the sync VPC); absent: no VPC. */
  readonly network?: { readonly vpc: ec2.IVpc; readonly subnets: readonly ec2.ISubnet[]; readonly securityGroups: readonly ec2.ISecurityGroup[] };
}

/**
 * Every platform function — route or worker — is made here, so they share one runtime (arm64,
 * {@link functionRuntime}), tracing, log handling and esbuild settings.
 */
export function createPlatformFunction(scope: Construct, id: string, props: PlatformFunctionProps): lambda.Function {
  // An explicit log group (rather than Lambda's implicit one) gets a retention period and lets the
  // role be granted writes to this one group instead of logs:* on every group.
  const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
    retention: props.logRetentionDays as logs.RetentionDays,
    // Function logs may be needed for an investigation after the stack is gone.
    removalPolicy: RemovalPolicy.RETAIN,
  });
  logGroup.grantWrite(props.role);

  const common = {
    description: props.description.slice(0, 256),
    runtime: functionRuntime,
    architecture: lambda.Architecture.ARM_64,
    memorySize: props.memoryMb,
    timeout: Duration.seconds(props.timeoutSeconds),
    tracing: lambda.Tracing.ACTIVE,
    role: props.role,
    logGroup,
    environment: { ...props.environment },
    ...(props.network ? { vpc: props.network.vpc, vpcSubnets: { subnets: [...props.network.subnets] }, securityGroups: [...props.network.securityGroups] } : {}),
  } satisfies Partial<lambda.FunctionProps>;

  if (props.skipBundling) {
    return new NodejsFunction(scope, id, {
      ...common,
      code: lambda.Code.fromInline(placeholderCode),
      handler: 'index.handler',
    });
  }
  return new NodejsFunction(scope, id, {
    ...common,
    entry: path.join(repoRoot, props.handler),
    handler: 'handler',
    projectRoot: repoRoot,
    depsLockFilePath: path.join(repoRoot, 'package-lock.json'),
    bundling: props.bundling ?? bundlingOptions,
  });
}
