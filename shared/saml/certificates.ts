import { X509Certificate, randomBytes, sign, type KeyObject } from 'node:crypto';

/** A certificate that passed validation, with the facts the settings API shows. */
export interface CertificateInfo {
  /** Normalised PEM (one CERTIFICATE block, 64-character lines). */
  pem: string;
  /** SHA-256 fingerprint, colon-separated upper-case hex (as IdP consoles show it). */
  fingerprint: string;
  notBefore: string;
  notAfter: string;
  subject: string;
  keyType: string;
}

/** Why a certificate is not usable; the message is shown to the administrator as is. */
export class CertificateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CertificateError';
  }
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;
const ALLOWED_CURVES = new Set(['prime256v1', 'secp384r1', 'secp521r1']);
export const MIN_RSA_BITS = 2048;

/** Wraps base64 DER into PEM with 64-character lines. */
export function toPem(der: Buffer): string {
  const body = der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
}

function derOf(base64Input: string): Buffer {
  const base64 = base64Input.replace(/\s+/g, '');
  if (base64 === '' || base64.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) {
    throw new CertificateError('The certificate is not a PEM-encoded X.509 certificate (-----BEGIN CERTIFICATE----- …).');
  }
  return Buffer.from(base64, 'base64');
}

/**
 * The certificates in a certificate field: every PEM block, or the one bare base64 body (IdP
 * consoles offer both). Text outside the blocks (labels such as "Bag Attributes") is ignored, but
 * a `-----BEGIN` that opens no certificate is an error.
 */
export function splitCertificates(input: string): string[] {
  const blocks = [...input.matchAll(PEM_BLOCK)].map((block) => block[0]);
  if (blocks.length === 0) {
    if (/-----BEGIN/.test(input)) throw new CertificateError('The certificate is not a PEM-encoded X.509 certificate (-----BEGIN CERTIFICATE----- …).');
    return [input];
  }
  if (/-----BEGIN/.test(input.replace(PEM_BLOCK, ''))) {
    throw new CertificateError('The certificate field holds a PEM block that is not a CERTIFICATE (a private key must never be sent).');
  }
  return blocks;
}

/** The DER bytes of one certificate given as PEM or as bare base64. */
function certificateDer(input: string): Buffer {
  const blocks = [...input.matchAll(PEM_BLOCK)];
  if (blocks.length > 1) {
    throw new CertificateError(`The value holds ${blocks.length} certificates where one is expected.`);
  }
  if (blocks.length === 0 && /-----BEGIN/.test(input)) {
    throw new CertificateError('The certificate is not a PEM-encoded X.509 certificate (-----BEGIN CERTIFICATE----- …).');
  }
  return derOf(blocks[0]?.[1] ?? input);
}

/** Parses a PEM or base64 X.509 certificate; throws CertificateError when it is not one. */
export function parseCertificate(input: string): { certificate: X509Certificate; pem: string } {
  const der = certificateDer(input);
  try {
    return { certificate: new X509Certificate(der), pem: toPem(der) };
  } catch {
    throw new CertificateError('The certificate could not be parsed as an X.509 certificate.');
  }
}

/** Facts about a parsed certificate, without judging it. */
export function describeCertificate(certificate: X509Certificate, pem: string): CertificateInfo {
  const key = certificate.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  const keyType = key.asymmetricKeyType === 'rsa' ? `RSA ${details.modulusLength ?? '?'}` : key.asymmetricKeyType === 'ec' ? `EC ${details.namedCurve ?? '?'}` : String(key.asymmetricKeyType);
  return {
    pem,
    fingerprint: certificate.fingerprint256,
    notBefore: new Date(certificate.validFrom).toISOString(),
    notAfter: new Date(certificate.validTo).toISOString(),
    subject: certificate.subject,
    keyType,
  };
}

/** Why an IdP certificate's key cannot sign SAML messages safely, or undefined when it can. */
function keyProblem(certificate: X509Certificate): string | undefined {
  const key = certificate.publicKey;
  if (key.asymmetricKeyType === 'rsa') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    return bits < MIN_RSA_BITS ? `The certificate's RSA key has ${bits} bits; at least ${MIN_RSA_BITS} are required.` : undefined;
  }
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve ?? 'unknown';
    return ALLOWED_CURVES.has(curve) ? undefined : `The certificate's EC curve ${curve} is not supported; use P-256, P-384 or P-521.`;
  }
  return `The certificate's ${String(key.asymmetricKeyType)} key is not supported; use RSA (2048 bits or more) or EC.`;
}

/**
 * Validates an IdP signing certificate for the settings API: parseable, not expired, and an RSA key
 * of at least 2048 bits or an EC key on P-256/P-384/P-521 (what XML signatures can use safely).
 */
export function validateIdpCertificate(input: string, now = new Date()): CertificateInfo {
  const { certificate, pem } = parseCertificate(input);
  const info = describeCertificate(certificate, pem);
  if (Date.parse(info.notAfter) <= now.getTime()) {
    throw new CertificateError(`The certificate expired on ${info.notAfter}; download the IdP's current signing certificate.`);
  }
  const problem = keyProblem(certificate);
  if (problem) throw new CertificateError(problem);
  return info;
}

/**
 * How many IdP signing certificates are kept at once. IdPs publish two during a rollover (ADFS's
 * primary and secondary, Entra ID's active and next, Okta's current and new key); the bound keeps
 * verification work and the settings item small.
 */
export const MAX_IDP_CERTIFICATES = 5;

/** How long before the last valid certificate expires the settings start warning. */
export const CERTIFICATE_EXPIRY_WARNING_DAYS = 30;

/** Where a certificate's validity window stands at a moment. */
export type CertificateStatus = 'valid' | 'not_yet_valid' | 'expired';

export function certificateStatus(info: Pick<CertificateInfo, 'notBefore' | 'notAfter'>, now = new Date()): CertificateStatus {
  if (Date.parse(info.notAfter) <= now.getTime()) return 'expired';
  if (Date.parse(info.notBefore) > now.getTime()) return 'not_yet_valid';
  return 'valid';
}

/**
 * Orders trusted certificates for display and storage: currently valid ones first (the one that
 * expires last leads: it is the primary), then those not valid yet, then expired ones.
 */
export function orderCertificates<T extends Pick<CertificateInfo, 'notBefore' | 'notAfter'>>(infos: readonly T[], now = new Date()): T[] {
  const rank: Record<CertificateStatus, number> = { valid: 0, not_yet_valid: 1, expired: 2 };
  return [...infos].sort((a, b) => rank[certificateStatus(a, now)] - rank[certificateStatus(b, now)] || Date.parse(b.notAfter) - Date.parse(a.notAfter));
}

/**
 * Validates the IdP signing certificates an administrator sends (from `certificate` with one or
 * more PEM blocks, or the `certificates` list): each must pass `validateIdpCertificate`; the same
 * certificate twice counts once; at most MAX_IDP_CERTIFICATES. Returns them primary first.
 */
export function validateIdpCertificates(inputs: readonly string[], now = new Date()): CertificateInfo[] {
  const unique = new Map<string, CertificateInfo>();
  inputs.forEach((input, index) => {
    let info: CertificateInfo;
    try {
      info = validateIdpCertificate(input, now);
    } catch (error) {
      if (error instanceof CertificateError && inputs.length > 1) throw new CertificateError(`Certificate ${index + 1} of ${inputs.length}: ${error.message}`);
      throw error;
    }
    unique.set(info.fingerprint, info);
  });
  if (unique.size === 0) throw new CertificateError('At least one certificate is required.');
  if (unique.size > MAX_IDP_CERTIFICATES) throw new CertificateError(`${unique.size} certificates were sent; at most ${MAX_IDP_CERTIFICATES} are kept.`);
  return orderCertificates([...unique.values()], now);
}

/** A problem with the trusted IdP certificates that an administrator should act on. */
export interface CertificateWarning {
  code: 'certificate_expired' | 'certificate_expiring' | 'no_valid_certificate';
  message: string;
  /** The certificate concerned, when one is. */
  fingerprint?: string;
}

/**
 * Rollover warnings for the trusted IdP certificates at `now`:
 * - `certificate_expired` for each expired certificate (it still verifies signatures: metadata,
 *   not the certificate's dates, decides trust — but the IdP has surely stopped using it);
 * - `no_valid_certificate` when none is valid now;
 * - `certificate_expiring` when some certificate is valid now but none will be valid beyond
 *   CERTIFICATE_EXPIRY_WARNING_DAYS from now, i.e. the IdP's next key has not been added yet.
 */
export function certificateWarnings(infos: readonly Pick<CertificateInfo, 'fingerprint' | 'notBefore' | 'notAfter'>[], now = new Date()): CertificateWarning[] {
  const warnings: CertificateWarning[] = [];
  for (const info of infos) {
    if (certificateStatus(info, now) === 'expired') {
      warnings.push({ code: 'certificate_expired', fingerprint: info.fingerprint, message: `The IdP certificate ${info.fingerprint} expired on ${info.notAfter}; remove it once the IdP no longer signs with it.` });
    }
  }
  const valid = infos.filter((info) => certificateStatus(info, now) === 'valid');
  const horizon = now.getTime() + CERTIFICATE_EXPIRY_WARNING_DAYS * 86_400_000;
  if (valid.length === 0) {
    warnings.push({ code: 'no_valid_certificate', message: "No trusted IdP certificate is valid now; upload the IdP's current signing certificate or metadata." });
  } else if (!infos.some((info) => Date.parse(info.notAfter) > horizon)) {
    const last = orderCertificates(valid, now)[0] as (typeof valid)[number];
    const which = valid.length === 1 ? `The only valid IdP certificate expires on ${last.notAfter}` : `Every valid IdP certificate expires by ${last.notAfter}`;
    warnings.push({
      code: 'certificate_expiring',
      fingerprint: last.fingerprint,
      message: `${which} (within ${CERTIFICATE_EXPIRY_WARNING_DAYS} days) and no successor is configured; add the IdP's next signing certificate (or upload its metadata again) before then.`,
    });
  }
  return warnings;
}

// --- A minimal DER writer: just enough to issue a self-signed X.509 v3 certificate. ---

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), derLength(content.length), content]);
}

const sequence = (...parts: Buffer[]) => tlv(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]) => tlv(0x31, Buffer.concat(parts));
const explicit = (tagNumber: number, content: Buffer) => tlv(0xa0 + tagNumber, content);
const utf8String = (value: string) => tlv(0x0c, Buffer.from(value, 'utf8'));
const octetString = (content: Buffer) => tlv(0x04, content);
const bitString = (content: Buffer, unusedBits = 0) => tlv(0x03, Buffer.concat([Buffer.from([unusedBits]), content]));
const NULL = Buffer.from([0x05, 0x00]);
const TRUE = Buffer.from([0x01, 0x01, 0xff]);

/** A non-negative INTEGER from big-endian bytes (a leading zero keeps the sign bit clear). */
function unsignedInteger(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const trimmed = bytes.subarray(start);
  return tlv(0x02, (trimmed[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const bytes: number[] = [(arcs[0] ?? 0) * 40 + (arcs[1] ?? 0)];
  for (const arc of arcs.slice(2)) {
    const chunk: number[] = [arc & 0x7f];
    for (let rest = Math.floor(arc / 128); rest > 0; rest = Math.floor(rest / 128)) chunk.unshift(0x80 | (rest & 0x7f));
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return date.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`, 'ascii')) : tlv(0x18, Buffer.from(`${iso}Z`, 'ascii'));
}

function name(commonName: string): Buffer {
  return sequence(set(sequence(oid('2.5.4.3'), utf8String(commonName))));
}

export type CertificateHash = 'sha1' | 'sha256' | 'sha384' | 'sha512';

const signatureOids: Record<'rsa' | 'ec', Partial<Record<CertificateHash, string>>> = {
  rsa: { sha1: '1.2.840.113549.1.1.5', sha256: '1.2.840.113549.1.1.11', sha384: '1.2.840.113549.1.1.12', sha512: '1.2.840.113549.1.1.13' },
  ec: { sha256: '1.2.840.10045.4.3.2', sha384: '1.2.840.10045.4.3.3', sha512: '1.2.840.10045.4.3.4' },
};

export interface SelfSignedOptions {
  privateKey: KeyObject;
  publicKey: KeyObject;
  commonName: string;
  notBefore: Date;
  notAfter: Date;
  hash?: CertificateHash;
}

/**
 * Issues a self-signed X.509 v3 certificate (end entity, digitalSignature) for a key pair made with
 * node:crypto. SAML only uses certificates as a container for a public key, so nothing more is
 * needed; a library for this would add a dozen packages and a global reflection polyfill.
 */
export function createSelfSignedCertificate(options: SelfSignedOptions): string {
  const hash = options.hash ?? 'sha256';
  const keyType = options.privateKey.asymmetricKeyType;
  if (keyType !== 'rsa' && keyType !== 'ec') throw new Error(`Cannot issue a certificate for a ${String(keyType)} key`);
  const algorithmOid = signatureOids[keyType][hash];
  if (!algorithmOid) throw new Error(`Cannot sign an ${keyType} certificate with ${hash}`);
  // RSA signature algorithms carry NULL parameters; ECDSA ones carry none (RFC 5758 §3.2).
  const algorithm = keyType === 'rsa' ? sequence(oid(algorithmOid), NULL) : sequence(oid(algorithmOid));
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f || 0x01;
  const extensions = sequence(
    // basicConstraints (critical): not a CA.
    sequence(oid('2.5.29.19'), TRUE, octetString(sequence())),
    // keyUsage (critical): digitalSignature only.
    sequence(oid('2.5.29.15'), TRUE, octetString(bitString(Buffer.from([0x80]), 7))),
  );
  const tbs = sequence(
    explicit(0, unsignedInteger(Buffer.from([2]))),
    unsignedInteger(serial),
    algorithm,
    name(options.commonName),
    sequence(time(options.notBefore), time(options.notAfter)),
    name(options.commonName),
    options.publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, extensions),
  );
  const signature = sign(hash, tbs, options.privateKey);
  return toPem(sequence(tbs, algorithm, bitString(signature)));
}

/** The base64 DER body of a PEM certificate, as XML signatures and metadata carry it. */
export function certificateBody(pem: string): string {
  return parseCertificate(pem).certificate.raw.toString('base64');
}
