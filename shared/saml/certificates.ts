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

/** The DER bytes of one certificate given as PEM or as bare base64 (IdP consoles offer both). */
function certificateDer(input: string): Buffer {
  const blocks = [...input.matchAll(PEM_BLOCK)];
  if (blocks.length > 1) {
    throw new CertificateError(`The certificate field holds ${blocks.length} certificates; paste only the IdP's signing certificate.`);
  }
  const base64 = (blocks[0]?.[1] ?? input).replace(/\s+/g, '');
  if (base64 === '' || base64.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64) || (blocks.length === 0 && /-----BEGIN/.test(input))) {
    throw new CertificateError('The certificate is not a PEM-encoded X.509 certificate (-----BEGIN CERTIFICATE----- …).');
  }
  return Buffer.from(base64, 'base64');
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
  const key = certificate.publicKey;
  if (key.asymmetricKeyType === 'rsa') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS) throw new CertificateError(`The certificate's RSA key has ${bits} bits; at least ${MIN_RSA_BITS} are required.`);
  } else if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve ?? 'unknown';
    if (!ALLOWED_CURVES.has(curve)) throw new CertificateError(`The certificate's EC curve ${curve} is not supported; use P-256, P-384 or P-521.`);
  } else {
    throw new CertificateError(`The certificate's ${String(key.asymmetricKeyType)} key is not supported; use RSA (2048 bits or more) or EC.`);
  }
  return info;
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
