import type { Element } from '@xmldom/xmldom';
import { ValidationError } from '../errors/domain-errors.ts';
import { CertificateError, parseCertificate } from './certificates.ts';
import { NS, UnsafeXmlError, allElements, childElements, isNamed, parseXmlStrict, textOf } from './xml.ts';

const REDIRECT_BINDING = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';

/** What an IdP's metadata tells us. */
export interface IdpMetadata {
  entityId: string;
  /** The HTTP-Redirect SingleSignOnService location (our AuthnRequests use that binding). */
  ssoUrl: string | undefined;
  /**
   * Every signing certificate to trust (PEM), expired ones left out. During a rollover the IdP lists
   * its current and its next key; both are kept, so the switch needs no administrator.
   */
  certificates: string[];
  /** How many signing certificates were left out because they had expired. */
  expiredCertificates: number;
}

function invalid(message: string): never {
  throw new ValidationError(`Invalid request body 'idpMetadataXml': ${message}`, { field: 'idpMetadataXml' });
}

function idpDescriptors(root: Element): Element[] {
  const entities = isNamed(root, NS.metadata, 'EntityDescriptor')
    ? [root]
    : isNamed(root, NS.metadata, 'EntitiesDescriptor')
      ? allElements(root).filter((element) => isNamed(element, NS.metadata, 'EntityDescriptor'))
      : invalid('the document is not SAML 2.0 metadata (EntityDescriptor).');
  return entities.filter((entity) => childElements(entity, NS.metadata, 'IDPSSODescriptor').length > 0);
}

/**
 * The signing certificates of an IDPSSODescriptor: of the KeyDescriptors for signing (or without a
 * use), every parseable X.509 certificate that has not expired. Whether each key is acceptable is
 * judged by the settings validation, which names the certificate it refuses.
 */
function signingCertificates(descriptor: Element, now: Date): { certificates: string[]; expired: number } {
  const candidates = childElements(descriptor, NS.metadata, 'KeyDescriptor')
    .filter((key) => (key.getAttribute('use') ?? 'signing') === 'signing')
    .flatMap((key) => allElements(key).filter((element) => isNamed(element, NS.dsig, 'X509Certificate')))
    .flatMap((element) => {
      try {
        const { certificate, pem } = parseCertificate(textOf(element));
        return [{ pem, notAfter: Date.parse(certificate.validTo) }];
      } catch (error) {
        if (error instanceof CertificateError) return [];
        throw error;
      }
    });
  const current = candidates.filter((candidate) => candidate.notAfter > now.getTime());
  return { certificates: current.map((candidate) => candidate.pem), expired: candidates.length - current.length };
}

/**
 * Reads an IdP's SAML metadata (Entra ID's "Federation Metadata XML", Okta's "Identity Provider
 * metadata") with the same hardened parser as SAML responses. The metadata's own signature is not
 * needed: an administrator uploads it over an authenticated, audited call.
 */
export function parseIdpMetadata(xml: string, now = new Date()): IdpMetadata {
  let root: Element;
  try {
    root = parseXmlStrict(xml).documentElement as Element;
  } catch (error) {
    if (error instanceof UnsafeXmlError) invalid(error.message);
    throw error;
  }
  const descriptors = idpDescriptors(root);
  if (descriptors.length !== 1) invalid(`expected one IdP entity (IDPSSODescriptor), found ${descriptors.length}.`);
  const entity = descriptors[0] as Element;
  const entityId = entity.getAttribute('entityID') ?? '';
  if (entityId === '') invalid('the EntityDescriptor has no entityID.');
  const idp = childElements(entity, NS.metadata, 'IDPSSODescriptor')[0] as Element;
  const redirect = childElements(idp, NS.metadata, 'SingleSignOnService').find((service) => service.getAttribute('Binding') === REDIRECT_BINDING);
  const signing = signingCertificates(idp, now);
  return { entityId, ssoUrl: redirect?.getAttribute('Location') ?? undefined, certificates: signing.certificates, expiredCertificates: signing.expired };
}
