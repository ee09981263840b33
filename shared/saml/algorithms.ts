import { KeyObject, createHash, createPublicKey, sign, verify, type KeyLike } from 'node:crypto';
import { createOptionalCallbackFunction, type HashAlgorithm, type SignatureAlgorithm, type SignedXml } from 'xml-crypto';

/**
 * The XML Signature algorithms this platform accepts and uses: RSA or ECDSA with SHA-256 or
 * stronger, exclusive canonicalization, enveloped signatures. Everything else — SHA-1 and MD5 in
 * particular — is refused before any cryptography runs, so a downgrade cannot slip through a
 * library default.
 */
export const EXCLUSIVE_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
export const ENVELOPED_SIGNATURE = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

export const SIGNATURE_ALGORITHMS = {
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256': { keyType: 'rsa', hash: 'sha256' },
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384': { keyType: 'rsa', hash: 'sha384' },
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512': { keyType: 'rsa', hash: 'sha512' },
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256': { keyType: 'ec', hash: 'sha256' },
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384': { keyType: 'ec', hash: 'sha384' },
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512': { keyType: 'ec', hash: 'sha512' },
} as const satisfies Record<string, { keyType: 'rsa' | 'ec'; hash: string }>;

export const DIGEST_ALGORITHMS = {
  'http://www.w3.org/2001/04/xmlenc#sha256': 'sha256',
  'http://www.w3.org/2001/04/xmldsig-more#sha384': 'sha384',
  'http://www.w3.org/2001/04/xmlenc#sha512': 'sha512',
} as const satisfies Record<string, string>;

export type SignatureAlgorithmUri = keyof typeof SIGNATURE_ALGORITHMS;

/** Known-broken algorithms get their own refusal (`weak_algorithm`) so administrators see why. */
const WEAK = [
  'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
  'http://www.w3.org/2000/09/xmldsig#dsa-sha1',
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1',
  'http://www.w3.org/2000/09/xmldsig#hmac-sha1',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-md5',
  'http://www.w3.org/2000/09/xmldsig#sha1',
  'http://www.w3.org/2001/04/xmldsig-more#md5',
];

/** Is this a SHA-1 or MD5 based signature or digest algorithm? */
export function isWeakAlgorithm(uri: string): boolean {
  return WEAK.includes(uri);
}

/** Is this one of the accepted signature algorithms (RSA or ECDSA with SHA-256 or stronger)? */
export function isAllowedSignatureAlgorithm(uri: string): uri is SignatureAlgorithmUri {
  return Object.hasOwn(SIGNATURE_ALGORITHMS, uri);
}

/** Is this one of the accepted digest algorithms (SHA-256, SHA-384, SHA-512)? */
export function isAllowedDigestAlgorithm(uri: string): uri is keyof typeof DIGEST_ALGORITHMS {
  return Object.hasOwn(DIGEST_ALGORITHMS, uri);
}

/** The signature algorithm that fits a key: RSA keys sign rsa-sha256, EC keys ecdsa-sha256. */
export function signatureAlgorithmFor(key: KeyObject): SignatureAlgorithmUri {
  return key.asymmetricKeyType === 'ec' ? 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256' : 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
}

/**
 * An xml-crypto signature algorithm backed by node:crypto. ECDSA signature values in XML Signature
 * are the raw r‖s concatenation (RFC 4050, xmldsig-core1 §6.4.3), which node calls ieee-p1363.
 * The key must be of the algorithm's type: a certificate never chooses its own algorithm.
 */
function algorithmClass(uri: SignatureAlgorithmUri): new () => SignatureAlgorithm {
  const { keyType, hash } = SIGNATURE_ALGORITHMS[uri];
  const options = keyType === 'ec' ? { dsaEncoding: 'ieee-p1363' as const } : {};
  return class implements SignatureAlgorithm {
    getSignature = createOptionalCallbackFunction((signedInfo: Parameters<typeof sign>[1], privateKey: KeyLike): string =>
      sign(hash, signedInfo, { key: privateKey, ...options } as Parameters<typeof sign>[2]).toString('base64'),
    );

    verifySignature = createOptionalCallbackFunction((material: string, key: KeyLike, signatureValue: string): boolean => {
      const publicKey = key instanceof KeyObject && key.type === 'public' ? key : createPublicKey(key as Parameters<typeof createPublicKey>[0]);
      if (publicKey.asymmetricKeyType !== keyType) return false;
      return verify(hash, Buffer.from(material, 'utf8'), { key: publicKey, ...options }, Buffer.from(signatureValue.replace(/\s+/g, ''), 'base64'));
    });

    getAlgorithmName = () => uri;
  };
}

function hashClass(uri: keyof typeof DIGEST_ALGORITHMS): new () => HashAlgorithm {
  const hash = DIGEST_ALGORITHMS[uri];
  return class implements HashAlgorithm {
    getHash = (xml: string) => createHash(hash).update(xml, 'utf8').digest('base64');
    getAlgorithmName = () => uri;
  };
}

/**
 * Restricts an xml-crypto instance to exactly the allowed algorithms (its defaults include SHA-1
 * and inclusive canonicalization) and adds the ones it lacks (RSA-SHA384, ECDSA, SHA-384).
 */
export function restrictAlgorithms(signedXml: SignedXml): SignedXml {
  signedXml.SignatureAlgorithms = Object.fromEntries(
    (Object.keys(SIGNATURE_ALGORITHMS) as SignatureAlgorithmUri[]).map((uri) => [uri, algorithmClass(uri)]),
  );
  signedXml.HashAlgorithms = Object.fromEntries(
    (Object.keys(DIGEST_ALGORITHMS) as (keyof typeof DIGEST_ALGORITHMS)[]).map((uri) => [uri, hashClass(uri)]),
  );
  const exclusive = signedXml.CanonicalizationAlgorithms[EXCLUSIVE_C14N];
  const enveloped = signedXml.CanonicalizationAlgorithms[ENVELOPED_SIGNATURE];
  // Inclusive c14n stays available only as xml-crypto's implicit final step after a transform
  // list that ends in a node set; signatures that name it explicitly are refused beforehand.
  const inclusive = signedXml.CanonicalizationAlgorithms['http://www.w3.org/TR/2001/REC-xml-c14n-20010315'];
  if (!exclusive || !enveloped || !inclusive) throw new Error('xml-crypto lacks a required canonicalization algorithm');
  signedXml.CanonicalizationAlgorithms = {
    [EXCLUSIVE_C14N]: exclusive,
    [ENVELOPED_SIGNATURE]: enveloped,
    'http://www.w3.org/TR/2001/REC-xml-c14n-20010315': inclusive,
  };
  return signedXml;
}
