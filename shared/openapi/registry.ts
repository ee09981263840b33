/**
 * Everything the OpenAPI documents are generated from besides the route table: the operation docs
 * of every documented route and the names of reusable schemas. Only the documentation function
 * imports this module (and through it every request contract): handlers import their own.
 */
import type * as z from 'zod/mini';
import * as identity from '../identity/schemas.ts';
import type { OperationDocs } from './operation-docs.ts';
import { identityOperations } from './operations/identity.ts';
import { platformOperations } from './operations/platform.ts';
import * as directory from './operations/directory.ts';
import * as directoryConnections from './operations/directory-connections.ts';
import * as directoryObjects from './operations/directory-objects.ts';
import * as connectionContracts from '../directory/connection-schemas.ts';
import * as directorySync from './operations/directory-sync.ts';
import * as syncContracts from '../directory/sync-schemas.ts';
import * as governance from './operations/governance.ts';
import * as reviewContracts from '../governance/access-review-schemas.ts';
import * as policies from './operations/governance-policies.ts';
import * as policyContracts from '../governance/policy-schemas.ts';
import * as saml from './operations/saml.ts';
import { acsForm, samlSettingsBody } from '../saml/schemas.ts';
import { scimOperations } from './operations/scim.ts';
import * as s from './response-schemas.ts';
import * as scim from '../scim/request-schemas.ts';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi-document.ts';
import { scimAttributeMetadata } from './scim-attribute-metadata.ts';
import type { ApiDefinition } from './definitions.ts';
import type { RouteDefinition } from '../routes.ts';

export const operationDocs: OperationDocs = { ...identityOperations, ...saml.samlOperations(), ...scimOperations, ...directory.directoryOperations, ...directoryObjects.directoryObjectOperations, ...directoryConnections.directoryConnectionOperations, ...directorySync.directorySyncOperations, ...governance.governanceOperations, ...policies.policyOperations, ...platformOperations };

/** Component names shown in Swagger UI's Schemas section (others get names from their route id). */
export const componentNames: ReadonlyMap<z.ZodMiniType, string> = new Map<z.ZodMiniType, string>([
  [s.identityError, 'IdentityError'],
  [s.directoryError, 'DirectoryError'],
  [s.oauthError, 'OAuthError'],
  [s.scimError, 'ScimError'],
  [s.pageInfo, 'PageInfo'],
  [s.client, 'Client'],
  [s.clientCredentials, 'ClientCredentials'],
  [s.clientList, 'ClientList'],
  [s.api, 'Api'],
  [s.apiScope, 'ApiScope'],
  [s.apiList, 'ApiList'],
  [s.authorizedClient, 'AuthorizedClient'],
  [s.role, 'Role'],
  [s.rolePage, 'RoleList'],
  [s.auditEntry, 'AuditEntry'],
  [s.auditPage, 'AuditEntryList'],
  [s.tokenResponse, 'TokenResponse'],
  [s.health, 'Health'],
  [s.me, 'Me'],
  [s.loginResult, 'LoginResult'],
  [s.organizationCreated, 'OrganizationCreated'],
  [s.organization, 'Organization'],
  [s.rotatedSecret, 'RotatedSecret'],
  [s.apiScopeList, 'ApiScopeList'],
  [s.authorizedClientList, 'AuthorizedClientList'],
  [s.roleItems, 'RoleItems'],
  [s.jwks, 'JsonWebKeySet'],
  [s.openIdConfiguration, 'AuthorizationServerMetadata'],
  [s.auditExportFile, 'AuditExportFile'],
  [s.scimResourceList, 'ResourceListResponse'],
  [s.serviceProviderConfig, 'ServiceProviderConfig'],
  [s.resourceType, 'ResourceType'],
  [s.resourceTypeList, 'ResourceTypeListResponse'],
  [s.scimSchema, 'Schema'],
  [s.scimSchemaList, 'SchemaListResponse'],
  [saml.samlSettingsView(), 'SamlSettings'],
  [saml.samlAcsResult(), 'SamlSignIn'],
  [saml.samlError(), 'SamlError'],
  [samlSettingsBody(), 'SamlSettingsUpdate'],
  [s.scimUser, 'User'],
  [s.scimGroup, 'Group'],
  [s.scimUserList, 'UserListResponse'],
  [s.scimGroupList, 'GroupListResponse'],
  [s.bulkResponse, 'BulkResponse'],
  [directory.directoryUser, 'DirectoryUser'],
  [directory.directoryGroup, 'DirectoryGroup'],
  [directory.directoryUserAttributes, 'DirectoryUserAttributes'],
  [directory.directoryUserPage, 'DirectoryUserPage'],
  [directory.directoryGroupPage, 'DirectoryGroupPage'],
  [directoryObjects.directoryObject, 'DirectoryObject'],
  [directoryObjects.directoryObjectPage, 'DirectoryObjectPage'],
  [directoryObjects.directoryObjectAttributes, 'DirectoryObjectAttributes'],
  [directoryObjects.directoryPerson, 'Person'],
  [directoryObjects.directoryPersonPage, 'PersonPage'],
  [identity.createOrganizationBody(), 'OrganizationCreate'],
  [identity.updateOrganizationBody(), 'OrganizationUpdate'],
  [identity.loginBody(), 'LoginRequest'],
  [identity.clientBody(), 'ClientCreate'],
  [identity.clientUpdateBody(), 'ClientUpdate'],
  [identity.apiBody(), 'ApiCreate'],
  [identity.apiUpdateBody(), 'ApiUpdate'],
  [identity.roleBody(), 'RoleCreate'],
  [identity.roleUpdateBody(), 'RoleUpdate'],
  [identity.assignRolesBody(), 'RoleAssignment'],
  [identity.authorizeClientsBody(), 'ClientAuthorizations'],
  [identity.addScopesBody(), 'ApiScopesAdd'],
  [acsForm(), 'SamlResponseForm'],
  [identity.tokenForm(), 'TokenRequest'],
  [scim.scimUserInput(), 'UserInput'],
  [scim.scimGroupInput(), 'GroupInput'],
  [scim.scimPatchRequest(), 'PatchOp'],
  [scim.scimSearchRequest(), 'SearchRequest'],
  [scim.scimBulkRequest(), 'BulkRequest'],
  [directoryConnections.connectionView, 'Connection'],
  [directoryConnections.connectionList, 'ConnectionList'],
  [directoryConnections.connectionTestResult, 'ConnectionTestResult'],
  [connectionContracts.connectionCreateBody(), 'ConnectionCreate'],
  [connectionContracts.connectionUpdateBody(), 'ConnectionUpdate'],
  [directorySync.syncProjectView, 'SyncProject'],
  [directorySync.syncProjectList, 'SyncProjectList'],
  [directorySync.syncRunView, 'SyncRun'],
  [directorySync.syncRunList, 'SyncRunList'],
  [directorySync.syncRunDetail, 'SyncRunDetail'],
  [syncContracts.syncProjectCreateBody(), 'SyncProjectCreate'],
  [syncContracts.syncProjectUpdateBody(), 'SyncProjectUpdate'],
  [governance.reviewCampaignView, 'ReviewCampaign'],
  [governance.reviewCampaignList, 'ReviewCampaignList'],
  [governance.reviewItemView, 'ReviewItem'],
  [governance.reviewItemList, 'ReviewItemList'],
  [reviewContracts.campaignCreateBody(), 'ReviewCampaignCreate'],
  [reviewContracts.decisionBody(), 'ReviewDecision'],
  [policies.policyView, 'Policy'],
  [policies.policyList, 'PolicyList'],
  [policies.violationView, 'Violation'],
  [policies.violationList, 'ViolationList'],
  [policyContracts.policyCreateBody(), 'PolicyCreate'],
  [policyContracts.policyUpdateBody(), 'PolicyUpdate'],
]);

export function generateDocument(definition: ApiDefinition, routes: readonly RouteDefinition[], baseUrl: string, version: string): OpenApiDocument {
  return buildOpenApiDocument(definition, { routes, operations: operationDocs, baseUrl, version, componentNames, metadata: scimAttributeMetadata });
}
