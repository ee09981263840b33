import type { APIGatewayProxyResult } from 'aws-lambda';
import { JSON_CONTENT_TYPE, SCIM_CONTENT_TYPE } from './error-responses.ts';

type Headers = Record<string, string>;

export function jsonResponse(statusCode: number, body: unknown, headers: Headers = {}): APIGatewayProxyResult {
  return { statusCode, headers: { 'Content-Type': JSON_CONTENT_TYPE, ...headers }, body: JSON.stringify(body) };
}

export function scimResponse(statusCode: number, body: unknown, headers: Headers = {}): APIGatewayProxyResult {
  return { statusCode, headers: { 'Content-Type': SCIM_CONTENT_TYPE, ...headers }, body: JSON.stringify(body) };
}

export function noContent(headers: Headers = {}): APIGatewayProxyResult {
  return { statusCode: 204, headers, body: '' };
}
