import { DomainError } from '../errors/domain-errors.ts';

/**
 * Every reason the Assertion Consumer Service refuses a SAML response. The codes are stable: they
 * appear in the answer, in the `user.login.failed` audit entry and in the README.
 */
export const SAML_REJECTION_REASONS = {
  // The message itself is unusable (400).
  invalid_encoding: 'The SAMLResponse is not valid base64.',
  response_too_large: 'The SAMLResponse exceeds the size limit.',
  dtd_forbidden: 'The SAMLResponse contains a DOCTYPE or entity declarations.',
  malformed_xml: 'The SAMLResponse is not well-formed XML.',
  xml_too_deep: 'The SAMLResponse nests XML elements deeper than allowed.',
  not_a_response: 'The document is not a SAML 2.0 Response.',
  unsupported_version: 'Only SAML 2.0 messages are accepted.',
  // Structure and signature (401).
  duplicate_id: 'The response contains the same ID more than once.',
  encrypted_assertion_unsupported: 'Encrypted assertions are not supported; configure the IdP to sign, not encrypt, assertions.',
  no_assertion: 'The response contains no assertion.',
  multiple_assertions: 'The response must contain exactly one assertion.',
  assertion_misplaced: 'The assertion is not a direct child of the response.',
  signature_missing: 'Neither the response nor the assertion is signed.',
  signature_misplaced: 'A signature is not where SAML places it (a direct child of the element it signs).',
  reference_mismatch: 'The signature does not reference exactly the element that contains it.',
  unsupported_transform: 'The signature uses a transform other than enveloped-signature and exclusive canonicalization.',
  weak_algorithm: 'The signature uses a weak algorithm (SHA-1 or MD5).',
  unsupported_algorithm: 'The signature uses an algorithm that is not accepted.',
  signature_invalid: "The signature does not verify with the organization's IdP certificate.",
  // Content (401).
  status_not_success: 'The IdP reported that authentication did not succeed.',
  issuer_mismatch: 'The issuer is not the configured IdP.',
  destination_mismatch: "The response's Destination is not this organization's ACS URL.",
  destination_missing: 'The response is signed but carries no Destination (SAML bindings §3.5.5.2 requires one on signed messages).',
  audience_mismatch: "The assertion's audience is not this service provider.",
  recipient_mismatch: "The subject confirmation's Recipient is not this organization's ACS URL.",
  no_bearer_confirmation: 'The assertion has no usable bearer subject confirmation.',
  subject_confirmation_expired: 'The subject confirmation has expired.',
  assertion_not_yet_valid: 'The assertion is not valid yet.',
  assertion_expired: 'The assertion has expired.',
  missing_conditions: 'The assertion has no validity window (Conditions NotBefore/NotOnOrAfter).',
  missing_authn_statement: 'The assertion has no AuthnStatement.',
  in_response_to_mismatch: 'The InResponseTo values of the response and the assertion disagree.',
  comment_in_value: 'An identity value contains an XML comment.',
  missing_subject: 'The assertion names no subject.',
  missing_email: 'The assertion carries no usable email address.',
  // Decisions that need the organization's state (401).
  saml_not_configured: 'SAML single sign-on is not configured or not enabled for this organization.',
  unknown_request: 'InResponseTo names no outstanding authentication request (expired, used or never issued).',
  idp_initiated_not_allowed: 'IdP-initiated sign-in is not allowed for this organization.',
  assertion_replayed: 'This assertion was already used.',
  user_not_provisioned: 'No user with this email address exists in the organization, and just-in-time provisioning is off.',
  user_inactive: 'The user is deactivated.',
  default_group_missing: 'The default group for just-in-time provisioning no longer exists.',
} as const;

export type SamlRejectionReason = keyof typeof SAML_REJECTION_REASONS;

const BAD_REQUEST: ReadonlySet<SamlRejectionReason> = new Set([
  'invalid_encoding',
  'response_too_large',
  'dtd_forbidden',
  'malformed_xml',
  'xml_too_deep',
  'not_a_response',
  'unsupported_version',
]);

/**
 * A refused SAML response. It is a domain error so that a failed condition inside a transaction
 * (a replayed assertion, a consumed request) surfaces as the same kind of refusal.
 */
export class SamlRejection extends DomainError {
  readonly reason: SamlRejectionReason;
  readonly status: 400 | 401;

  constructor(reason: SamlRejectionReason, detail?: string) {
    super(BAD_REQUEST.has(reason) ? 'invalid_input' : 'unauthenticated', detail ? `${SAML_REJECTION_REASONS[reason]} ${detail}` : SAML_REJECTION_REASONS[reason]);
    this.reason = reason;
    this.status = BAD_REQUEST.has(reason) ? 400 : 401;
  }
}
