import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { auditStep, type RequestOrigin } from '../audit/audit-entry.ts';
import { TtlCache } from '../cache/ttl-cache.ts';
import { platformConfig } from '../config.ts';
import { decryptSecret, encryptSecret, type SealedSecret } from '../crypto/envelope.ts';
import { ConflictError, DomainError } from '../errors/domain-errors.ts';
import * as samlStore from '../storage/saml.ts';
import { transact } from '../storage/transactions.ts';
import { createSelfSignedCertificate, describeCertificate, parseCertificate } from './certificates.ts';

const generateKeyPairAsync = promisify(generateKeyPair);

/** Our SP certificate's lifetime. IdPs use it only to check signed AuthnRequests and metadata. */
const CERTIFICATE_YEARS = 10;
const KEY_CACHE_MS = 5 * 60_000;

/** The per-organization URLs of our service provider. */
export interface ServiceProviderUrls {
  /** The default SP entity id (our metadata URL, which is unique per organization). */
  defaultEntityId: string;
  /** Assertion Consumer Service: the organization is part of the path, so it is never read from the message. */
  acsUrl: string;
  metadataUrl: string;
  loginUrl: string;
}

/** Our SP URLs for an organization, on the deployment's public base URL. */
export function serviceProviderUrls(organizationId: string): ServiceProviderUrls {
  const base = `${platformConfig().publicBaseUrl}/api/identity/v1/saml`;
  const metadataUrl = `${base}/metadata?organization=${organizationId}`;
  return { defaultEntityId: metadataUrl, acsUrl: `${base}/acs/${organizationId}`, metadataUrl, loginUrl: `${base}/login?organization=${organizationId}` };
}

/** The public half, as the settings API shows it. */
export interface ServiceProviderCertificate {
  certificate: string;
  fingerprint: string;
  notAfter: string;
}

export interface ServiceProviderCredentials extends ServiceProviderCertificate {
  privateKey: KeyObject;
}

function encryptionContext(organizationId: string) {
  // Bound to the organization and purpose: a sealed key copied to another item does not decrypt.
  return { organizationId, purpose: 'saml-sp-signing-key' };
}

/** The organization's SP certificate, if one was generated yet (no decryption needed). */
export async function serviceProviderCertificate(organizationId: string): Promise<ServiceProviderCertificate | undefined> {
  const record = await samlStore.serviceProviderByOrganization(organizationId, { consistent: false });
  if (!record) return undefined;
  return { certificate: record.certificate, fingerprint: record.fingerprint, notAfter: record.certificateNotAfter };
}

async function generate(organizationId: string, origin: RequestOrigin): Promise<void> {
  // RSA 2048 with rsa-sha256: the one combination every IdP accepts for signed AuthnRequests.
  const { privateKey, publicKey } = await generateKeyPairAsync('rsa', { modulusLength: 2048 });
  const now = new Date();
  const notAfter = new Date(now);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + CERTIFICATE_YEARS);
  const pem = createSelfSignedCertificate({
    privateKey,
    publicKey,
    commonName: `SAML SP ${organizationId}`,
    notBefore: new Date(now.getTime() - 5 * 60_000),
    notAfter,
  });
  const info = describeCertificate(parseCertificate(pem).certificate, pem);
  const sealed = await encryptSecret(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), encryptionContext(organizationId));
  try {
    await transact([
      samlStore.serviceProviderCreateStep(
        {
          organizationId,
          certificate: info.pem,
          fingerprint: info.fingerprint,
          certificateNotAfter: info.notAfter,
          sealedPrivateKey: sealed,
          createdAt: now.toISOString(),
        },
        () => new ConflictError('The SAML service provider key already exists.'),
      ),
      auditStep({
        organizationId,
        action: 'saml.sp_credentials.created',
        actor: { actorType: 'system', actorId: 'saml' },
        origin,
        target: { type: 'saml-service-provider', id: organizationId },
        details: { certificateFingerprint: info.fingerprint, certificateNotAfter: info.notAfter, keyType: 'RSA 2048' },
      }),
    ]);
  } catch (error) {
    // Two first uses at once: the other one's key won, and is the one to use.
    if (!(error instanceof DomainError && error.code === 'conflict')) throw error;
  }
}

const credentialsCache = new TtlCache<ServiceProviderCredentials>(KEY_CACHE_MS, 500);

async function loadCredentials(organizationId: string, origin: RequestOrigin): Promise<ServiceProviderCredentials> {
  let record = await samlStore.serviceProviderByOrganization(organizationId);
  if (!record) {
    await generate(organizationId, origin);
    record = await samlStore.serviceProviderByOrganization(organizationId);
    if (!record) throw new Error('The SAML service provider key was not stored');
  }
  const pem = await decryptSecret(record.sealedPrivateKey as SealedSecret, encryptionContext(organizationId));
  const privateKey = createPrivateKey(pem);
  // The stored certificate must belong to the stored key; anything else is corruption.
  const certificateKey = parseCertificate(record.certificate).certificate.publicKey;
  if (!createPublicKey(privateKey).equals(certificateKey)) throw new Error('The SAML SP certificate does not match its private key');
  return { certificate: record.certificate, fingerprint: record.fingerprint, notAfter: record.certificateNotAfter, privateKey };
}

/**
 * The organization's SP signing key and certificate, generated on first use (an RSA 2048 key pair
 * and a self-signed certificate; the private key is stored envelope-encrypted, so this works the
 * same with KMS in AWS and with the local key file). Decrypted keys are cached per instance for a
 * few minutes so that a burst of sign-ins costs one KMS call.
 */
export function serviceProviderCredentials(organizationId: string, origin: RequestOrigin): Promise<ServiceProviderCredentials> {
  return credentialsCache.getOrLoad(organizationId, () => loadCredentials(organizationId, origin));
}
