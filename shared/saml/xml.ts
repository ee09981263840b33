import { DOMParser, type Document, type Element, type Node } from '@xmldom/xmldom';

/** Namespaces of SAML 2.0 and XML Signature. */
export const NS = {
  protocol: 'urn:oasis:names:tc:SAML:2.0:protocol',
  assertion: 'urn:oasis:names:tc:SAML:2.0:assertion',
  metadata: 'urn:oasis:names:tc:SAML:2.0:metadata',
  dsig: 'http://www.w3.org/2000/09/xmldsig#',
} as const;

/**
 * The deepest element nesting accepted in any XML document from outside (SAML responses, IdP
 * metadata). Real documents stay near 10 (Response › Assertion › Signature › SignedInfo ›
 * Reference › Transforms › Transform › InclusiveNamespaces); every later step — parsing, the
 * signature library's canonicalization, the walks here — recurses or works per level, so depth is
 * refused up front, from the text, before any of them runs.
 */
export const MAX_XML_DEPTH = 32;

/** Why an XML document was refused before anything read it. */
export class UnsafeXmlError extends Error {
  constructor(
    readonly kind: 'dtd_forbidden' | 'malformed_xml' | 'xml_too_deep',
    message: string,
  ) {
    super(message);
    this.name = 'UnsafeXmlError';
  }
}

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;
const COMMENT_NODE = 8;

/**
 * The element nesting depth of an XML text, measured by a single forward scan (no recursion, no
 * tree): start tags open a level, end tags close one, and comments, CDATA sections, processing
 * instructions, declarations and quoted attribute values are skipped, so a `>` inside them is not
 * mistaken for a tag's end. Exact for well-formed XML; for malformed text it is an estimate, and
 * the parser refuses such text anyway. Stops early, returning a value above `limit`, as soon as
 * the limit is passed.
 */
export function xmlNestingDepth(xml: string, limit = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  let index = xml.indexOf('<');
  const skipPast = (terminator: string, from: number) => {
    const end = xml.indexOf(terminator, from);
    return end < 0 ? xml.length : end + terminator.length;
  };
  while (index >= 0 && index < xml.length) {
    let next: number;
    if (xml.startsWith('<!--', index)) next = skipPast('-->', index + 4);
    else if (xml.startsWith('<![CDATA[', index)) next = skipPast(']]>', index + 9);
    else if (xml.startsWith('<?', index)) next = skipPast('?>', index + 2);
    else if (xml.startsWith('<!', index)) next = skipPast('>', index + 2);
    else if (xml.startsWith('</', index)) {
      depth -= 1;
      next = skipPast('>', index + 2);
    } else {
      // A start tag: find its end outside quoted attribute values.
      let cursor = index + 1;
      let quote: string | undefined;
      while (cursor < xml.length) {
        const char = xml[cursor];
        if (quote !== undefined) {
          if (char === quote) quote = undefined;
        } else if (char === '"' || char === "'") quote = char;
        else if (char === '>') break;
        cursor++;
      }
      // An empty-element tag (`<x/>`) is as deep as a start tag but closes itself.
      const selfClosing = xml[cursor - 1] === '/';
      if (depth + 1 > deepest) deepest = depth + 1;
      if (deepest > limit) return deepest;
      if (!selfClosing) depth += 1;
      next = cursor + 1;
    }
    index = xml.indexOf('<', next);
  }
  return deepest;
}

/**
 * Parses untrusted XML (SAML messages, IdP metadata) the one safe way:
 * - any DOCTYPE is refused before parsing: @xmldom/xmldom never expands entities, but it reports an
 *   unknown entity only as a recoverable error and carries on, so a DTD is never legitimate here;
 * - nesting deeper than MAX_XML_DEPTH is refused from the text, before the parser or any
 *   recursive walk sees it (a few thousand levels would overflow the stack of a recursive walk);
 * - every parser warning or error is fatal, so a document that is not well-formed never yields a
 *   partial tree for later checks to disagree about.
 */
export function parseXmlStrict(xml: string): Document {
  // Case-insensitive on purpose: nothing in SAML needs the string, and refusing more is harmless.
  if (/<!DOCTYPE/i.test(xml) || /<!ENTITY/i.test(xml)) {
    throw new UnsafeXmlError('dtd_forbidden', 'XML documents with a DOCTYPE or entity declarations are not accepted.');
  }
  if (xmlNestingDepth(xml, MAX_XML_DEPTH) > MAX_XML_DEPTH) {
    throw new UnsafeXmlError('xml_too_deep', `XML elements may be nested at most ${MAX_XML_DEPTH} levels deep.`);
  }
  const parser = new DOMParser({
    onError: (level, message) => {
      throw new UnsafeXmlError('malformed_xml', `The XML document is not well-formed (${level}: ${String(message).split('\n')[0]}).`);
    },
  });
  let document: Document;
  try {
    document = parser.parseFromString(xml, 'text/xml');
  } catch (error) {
    if (error instanceof UnsafeXmlError) throw error;
    throw new UnsafeXmlError('malformed_xml', 'The XML document is not well-formed.');
  }
  if (!document.documentElement) throw new UnsafeXmlError('malformed_xml', 'The XML document has no root element.');
  return document;
}

/** Is the node an element (xmldom has no instanceof-safe Element check across copies)? */
export function isElement(node: Node | null | undefined): node is Element {
  return node !== null && node !== undefined && node.nodeType === ELEMENT_NODE;
}

/** Does the element have this namespace URI and local name (prefixes never matter)? */
export function isNamed(element: Element, namespace: string, localName: string): boolean {
  return element.namespaceURI === namespace && element.localName === localName;
}

/** Direct child elements, optionally only those with the given namespace and local name. */
export function childElements(parent: Node, namespace?: string, localName?: string): Element[] {
  const result: Element[] = [];
  for (let child = parent.firstChild; child; child = child.nextSibling) {
    if (!isElement(child)) continue;
    if (namespace !== undefined && localName !== undefined && !isNamed(child, namespace, localName)) continue;
    result.push(child);
  }
  return result;
}

/** The single direct child with this name; undefined when absent, `multiple` when repeated. */
export function singleChild(parent: Node, namespace: string, localName: string): Element | undefined | 'multiple' {
  const found = childElements(parent, namespace, localName);
  if (found.length > 1) return 'multiple';
  return found[0];
}

/** Every element of the subtree (the root included), in document order. */
export function allElements(root: Element): Element[] {
  const result: Element[] = [];
  const walk = (element: Element) => {
    result.push(element);
    for (const child of childElements(element)) walk(child);
  };
  walk(root);
  return result;
}

/**
 * The full character content of an element: every text and CDATA node of its subtree joined.
 * Reading only the first text node is how "user@evil.com<!---->.example.com" turns into a different
 * identity; this never does.
 */
export function textOf(element: Element): string {
  let text = '';
  const walk = (node: Node) => {
    for (let child = node.firstChild; child; child = child.nextSibling) {
      if (child.nodeType === TEXT_NODE || child.nodeType === CDATA_SECTION_NODE) text += child.nodeValue ?? '';
      else if (child.nodeType === ELEMENT_NODE) walk(child);
    }
  };
  walk(element);
  return text;
}

/** Does the element's subtree contain an XML comment? */
export function containsComment(element: Element): boolean {
  for (let child = element.firstChild; child; child = child.nextSibling) {
    if (child.nodeType === COMMENT_NODE) return true;
    if (isElement(child) && containsComment(child)) return true;
  }
  return false;
}

/** Escapes text for an XML attribute value or element content. */
export function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
