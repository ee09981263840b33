import { NestedStack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type { Construct } from 'constructs';
import type { RouteDefinition } from '../shared/routes.ts';
import { FamilyRoutes, type FamilyRoutesProps } from './family-routes.ts';

/** Leaves room below CloudFormation's 200 parameters for the API, validator and data ids. */
export const maxPathsPerFamily = 180;

export interface FamilyRoutesStackProps extends Omit<FamilyRoutesProps, 'resourceFor' | 'requestValidator'> {
  /** The REST API of the parent stack; only its ids cross into this stack. */
  readonly restApi: apigw.RestApi;
  /** The parent stack's resource for every path used by this family's routes. */
  readonly resources: ReadonlyMap<string, apigw.IResource>;
  readonly requestValidator: apigw.IRequestValidator;
}

/**
 * One nested stack per API family (except platform, which stays in the API stack so the REST API
 * has a method of its own). The REST API, its resources and the request validator are imported
 * by id, so the resource tree stays in the parent while each family's methods, functions, roles
 * and permissions count against this template's resource limit only.
 */
export class FamilyRoutesStack extends NestedStack {
  readonly routes: FamilyRoutes;

  constructor(scope: Construct, id: string, props: FamilyRoutesStackProps) {
    super(scope, id, { description: `Identity platform: ${props.family} API routes` });

    const restApi = apigw.RestApi.fromRestApiAttributes(this, 'RestApi', {
      restApiId: props.restApi.restApiId,
      rootResourceId: props.restApi.restApiRootResourceId,
    });
    const requestValidator = apigw.RequestValidator.fromRequestValidatorId(
      this,
      'RequestValidator',
      props.requestValidator.requestValidatorId,
    );

    const imported = new Map<string, apigw.IResource>();
    const paths = [...new Set(props.routes.map((route: RouteDefinition) => route.path))].sort();
    // Each resource id arrives as a parameter; CloudFormation allows 200 per template.
    if (paths.length > maxPathsPerFamily) {
      throw new Error(
        `The ${props.family} family uses ${paths.length} distinct paths; a nested stack takes at most ` +
          `${maxPathsPerFamily}. Split the family or import resources by a shared parent.`,
      );
    }
    paths.forEach((path, index) => {
      const parentResource = props.resources.get(path);
      if (!parentResource) throw new Error(`No API resource for ${path}`);
      imported.set(
        path,
        path === '/'
          ? restApi.root
          : apigw.Resource.fromResourceAttributes(this, `Resource${index}`, {
              restApi,
              resourceId: parentResource.resourceId,
              path,
            }),
      );
    });

    const { restApi: _parentApi, resources: _parentResources, ...routeProps } = props;
    this.routes = new FamilyRoutes(this, 'Routes', {
      ...routeProps,
      requestValidator,
      resourceFor: (path) => {
        const resource = imported.get(path);
        if (!resource) throw new Error(`No imported API resource for ${path}`);
        return resource;
      },
    });
  }
}
