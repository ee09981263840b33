/**
 * Export files in the export bucket (S3): streamed in with a multipart upload, read back through
 * short-lived presigned URLs. A module of its own so that only the export function bundles the
 * upload and presigning libraries.
 */
import type { Readable } from 'node:stream';
import { Upload } from '@aws-sdk/lib-storage';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { s3 } from './clients.ts';

/** Size of each uploaded part: S3's minimum, so memory holds as little as possible. */
const PART_SIZE_BYTES = 5 * 1024 * 1024;

/** An upload in progress. */
export interface FileUpload {
  /** Resolves when every part is uploaded and the object is complete. */
  done(): Promise<void>;
  /** Abandons the upload and its parts. */
  abort(): Promise<void>;
}

/**
 * exportFiles.upload — starts streaming `body` into `bucket`/`key` as a multipart upload (5 MiB
 * parts, two in flight), stored with the given Content-Type and Content-Disposition.
 */
export function upload(target: { bucket: string; key: string; body: Readable; contentType: string; contentDisposition: string }): FileUpload {
  const running = new Upload({
    client: s3(),
    params: { Bucket: target.bucket, Key: target.key, Body: target.body, ContentType: target.contentType, ContentDisposition: target.contentDisposition },
    queueSize: 2,
    partSize: PART_SIZE_BYTES,
  });
  return {
    done: async () => {
      await running.done();
    },
    abort: () => running.abort(),
  };
}

/**
 * exportFiles.downloadUrl — a presigned GET URL for `bucket`/`key`, valid for `expiresInSeconds`,
 * whose response carries `contentDisposition`.
 */
export function downloadUrl(source: { bucket: string; key: string; contentDisposition: string; expiresInSeconds: number }): Promise<string> {
  return getSignedUrl(s3(), new GetObjectCommand({ Bucket: source.bucket, Key: source.key, ResponseContentDisposition: source.contentDisposition }), {
    expiresIn: source.expiresInSeconds,
  });
}
