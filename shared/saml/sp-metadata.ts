import { randomBytes } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import type { RequestOrigin } from '../audit/audit-entry.ts';
import { NotFoundError, ValidationError } from '../errors/domain-errors.ts';
import { getOrganization } from '../identity/organizations.ts';
import { ENVELOPED_SIGNATURE, EXCLUSIVE_C14N, restrictAlgorithms, signatureAlgorithmFor } from './algorithms.ts';
import { certificateBody } from './certificates.ts';
import { loadSamlSettings } from './settings.ts';
import { serviceProviderCredentials, serviceProviderUrls, type ServiceProviderCredentials } from './service-provider.ts';
import { NS, escapeXml } from './xml.ts';

export const SAML_METADATA_CONTENT_TYPE = 'application/samlmetadata+xml; charset=utf-8';
const EMAIL_FORMAT = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';
const POST_BINDING = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';

/** A fresh xsd:ID (NCName: must not start with a digit). */
export function samlId(): string {
  return `_${randomBytes(16).toString('hex')}`;
}

/** Builds the SP's EntityDescriptor (unsigned). */
export function buildSpMetadata(entityId: string, acsUrl: string, certificatePem: string, id = samlId()): string {
  return (
    `<md:EntityDescriptor xmlns:md="${NS.metadata}" xmlns:ds="${NS.dsig}" ID="${id}" entityID="${escapeXml(entityId)}">` +
    `<md:SPSSODescriptor AuthnRequestsSigned="true" WantAssertionsSigned="true" protocolSupportEnumeration="${NS.protocol}">` +
    `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certificateBody(certificatePem)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>` +
    `<md:NameIDFormat>${EMAIL_FORMAT}</md:NameIDFormat>` +
    `<md:AssertionConsumerService Binding="${POST_BINDING}" Location="${escapeXml(acsUrl)}" index="0" isDefault="true"/>` +
    `</md:SPSSODescriptor>` +
    `</md:EntityDescriptor>`
  );
}

/**
 * Signs a metadata document with an enveloped signature (rsa-sha256, exclusive c14n, SHA-256
 * digest) placed first in the EntityDescriptor, where the metadata schema wants it.
 */
export function signSpMetadata(xml: string, credentials: Pick<ServiceProviderCredentials, 'privateKey' | 'certificate'>): string {
  const signer = restrictAlgorithms(
    new SignedXml({ privateKey: credentials.privateKey, publicCert: credentials.certificate, signatureAlgorithm: signatureAlgorithmFor(credentials.privateKey), canonicalizationAlgorithm: EXCLUSIVE_C14N }),
  );
  signer.addReference({ xpath: '/*', transforms: [ENVELOPED_SIGNATURE, EXCLUSIVE_C14N], digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256' });
  signer.computeSignature(xml, { prefix: 'ds', location: { reference: '/*', action: 'prepend' } });
  return signer.getSignedXml();
}

/**
 * Whose metadata GET /saml/metadata answers with: the bearer token's organization when the caller
 * sent one (the seed's call: the Owner's token, no query string), else the `organization` query
 * parameter (IdPs fetch metadata unauthenticated). With both, they must agree: a token of one
 * organization asking for another's metadata is a mistake worth saying so.
 */
export function metadataOrganization(queryOrganization: string | undefined, tokenOrganization: string | undefined): string {
  if (tokenOrganization !== undefined) {
    if (queryOrganization !== undefined && queryOrganization !== tokenOrganization) {
      throw new ValidationError("Invalid query parameter 'organization': it names another organization than the access token; leave it out.", { field: 'organization' });
    }
    return tokenOrganization;
  }
  if (queryOrganization === undefined) {
    throw new ValidationError("Invalid query parameter 'organization': required without a bearer token (the organization's id, a UUID).", { field: 'organization' });
  }
  return queryOrganization;
}

/**
 * The organization's signed SP metadata. Public, because IdPs fetch it unauthenticated; the
 * organization must exist, and its SP key is generated on first use.
 */
export async function spMetadata(organizationId: string, origin: RequestOrigin): Promise<string> {
  if (!(await getOrganization(organizationId))) throw new NotFoundError(`Organization ${organizationId} was not found.`);
  const urls = serviceProviderUrls(organizationId);
  const settings = await loadSamlSettings(organizationId);
  const credentials = await serviceProviderCredentials(organizationId, origin);
  return signSpMetadata(buildSpMetadata(settings?.entityId ?? urls.defaultEntityId, urls.acsUrl, credentials.certificate), credentials);
}
