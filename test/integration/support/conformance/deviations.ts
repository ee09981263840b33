/**
 * Assertions of Microsoft's SCIM reference collection that this platform fails ON PURPOSE, because
 * the collection expects behaviour of Microsoft's reference code that RFC 7643/7644 does not
 * require (or forbids). RFC 7643/7644 is the authority; the platform is not bent to the collection.
 *
 * scim-conformance.test.ts asserts that every assertion not listed here passes AND that every entry
 * here still fails: when the platform (or the collection) changes so that an entry passes, the test
 * fails until the entry is removed, so this list cannot go stale.
 */
export interface ConformanceDeviation {
  /** The collection folder that holds the request ('(collection root)' for top-level requests). */
  folder: string;
  /** The request's name in the collection. */
  request: string;
  /** Which request of that name in the folder (from 1), when the folder repeats the name; omitted: every one. */
  occurrence?: number;
  /** The `pm.test` name. */
  assertion: string;
  /** The RFC 7643/7644 clause that makes the collection's expectation non-normative or wrong. */
  rfc: string;
  /** One line: why the platform's behaviour is the conforming one. */
  explanation: string;
  /**
   * The conforming response the platform gives instead: the test checks it, so that a deviation
   * cannot keep "failing" for some other (buggy) reason.
   */
  conformingResponse: { status: number; bodyIncludes?: string[] };
}

export const deviations: readonly ConformanceDeviation[] = [
  {
    folder: 'Endpoint tests',
    request: 'Get empty Users',
    assertion: 'Status code is 200',
    rfc: 'RFC 7644 §3.2',
    explanation:
      "The collection's parsed URL path is lower-case 'users' (its raw URL says '/Users'); §3.2 names the endpoint '/Users' and URI paths are case-sensitive, so 404 is correct.",
    conformingResponse: { status: 404 },
  },
  {
    folder: 'Endpoint tests',
    request: 'Get ServiceProviderConfig',
    assertion: 'Status code is 200',
    rfc: 'RFC 7644 §4',
    explanation: "'/serviceConfiguration' is Microsoft's own path; §4 defines the discovery endpoint as '/ServiceProviderConfig' (scim-conformance.test.ts checks that one directly).",
    conformingResponse: { status: 404 },
  },
  {
    folder: 'Endpoint tests',
    request: 'Get ServiceProviderConfig',
    assertion: 'Pach supported is true',
    rfc: 'RFC 7644 §4',
    explanation: "Same non-standard '/serviceConfiguration' request (a 404 Error has no 'patch'); '/ServiceProviderConfig' advertises patch.supported=true.",
    conformingResponse: { status: 404 },
  },
  {
    folder: 'Group tests',
    request: 'Get group by id',
    occurrence: 1,
    assertion: 'Body contians user',
    rfc: 'RFC 7643 §4.2',
    explanation:
      "The PATCH sent the member as {displayName: 'new User', value}; 'displayName' is no sub-attribute of members and member sub-attributes are immutable, so the server's 'display' is the user's own displayName.",
    conformingResponse: { status: 200, bodyIncludes: ['"display":"lennay"'] },
  },
  {
    folder: 'ComplexAttribute tests',
    request: 'Get user attributes',
    assertion: 'Body contians User1 email',
    rfc: 'RFC 7644 §3.9',
    explanation:
      "'attributes' takes attribute names in §3.10 attribute notation; 'emails[type eq \"work\"]' is a value filter (only valid in 'filter' and PATCH 'path'), so it selects no attribute.",
    conformingResponse: { status: 200 },
  },
  {
    folder: 'ComplexAttribute tests',
    request: 'Get user via attributes filter',
    assertion: 'Body contians User1 email',
    rfc: 'RFC 7644 §3.9',
    explanation: "As above: 'emails[value eq \"emailName357\"]' is a filter, not §3.10 attribute notation, so the 'attributes' parameter selects no attribute.",
    conformingResponse: { status: 200 },
  },
  {
    folder: 'User tests with garbage',
    request: 'Patch user omalley new username',
    assertion: 'Status code is 204',
    rfc: 'RFC 7644 §3.5.2',
    explanation: 'A successful PATCH MUST return 200 with the entire resource or MAY return 204; the platform returns 200 with the user (as its issue requires).',
    conformingResponse: { status: 200, bodyIncludes: ['"userName":"newusername"'] },
  },
  {
    folder: 'User tests with garbage',
    request: 'patch user omalley active with boolean',
    assertion: 'Status code is 204',
    rfc: 'RFC 7644 §3.5.2',
    explanation: 'As above: 200 with the updated user is the first of the two responses §3.5.2 allows (204 is only a MAY).',
    conformingResponse: { status: 200, bodyIncludes: ['"userName":"newusername"', '"active":false'] },
  },
  {
    folder: 'User tests with garbage',
    request: 'filter eq and (val or val)',
    assertion: 'Total results',
    rfc: 'RFC 7644 §3.4.2.2',
    explanation: 'compValue is a JSON false/null/true/number/string, so the unquoted Employee and example.com are invalid; 400 invalidFilter is the required answer.',
    conformingResponse: { status: 400, bodyIncludes: ['"scimType":"invalidFilter"'] },
  },
  {
    folder: 'User tests with garbage',
    request: 'filter starts with',
    assertion: 'Total results',
    rfc: 'RFC 7644 §3.4.2.2',
    explanation: "The unquoted compValue O in 'userName sw O' is not a JSON string; 400 invalidFilter is the required answer.",
    conformingResponse: { status: 400, bodyIncludes: ['"scimType":"invalidFilter"'] },
  },
  {
    folder: 'User tests with garbage',
    request: 'filter greater than',
    assertion: 'Total results',
    rfc: 'RFC 7644 §3.4.2.2',
    explanation: 'An unquoted dateTime is no JSON compValue (dateTime values are compared as strings, RFC 7643 §2.3.5); 400 invalidFilter is the required answer.',
    conformingResponse: { status: 400, bodyIncludes: ['"scimType":"invalidFilter"'] },
  },
  {
    folder: 'Group tests with garbage',
    request: 'Group patch add member',
    assertion: 'Status code is 204',
    rfc: 'RFC 7643 §4.2',
    explanation:
      "Adds the member 'string id 1', which is the id of no resource; a member's value MUST be a resource id, so 400 invalidValue (RFC 7644 §3.12) is correct.",
    conformingResponse: { status: 400, bodyIncludes: ['"scimType":"invalidValue"'] },
  },
  {
    folder: 'Group tests with garbage',
    request: 'Group patch add member2',
    assertion: 'Status code is 204',
    rfc: 'RFC 7643 §4.2',
    explanation: "As above for 'string id 2': no such resource, so 400 invalidValue (RFC 7644 §3.12) rather than 204.",
    conformingResponse: { status: 400, bodyIncludes: ['"scimType":"invalidValue"'] },
  },
];
