import { describeError, LakeIoError } from '../core/errors.ts';

/** What to check when an S3 call fails for a reason the user can fix, by the failure's shape. */
function s3Hint(error: LakeIoError): string | undefined {
  const message = error.message;
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH/.test(message))
    return 'cannot reach the S3 server: check --endpoint (and that the server is running) or the network';
  if (/NoSuchBucket/.test(message))
    return 'the bucket does not exist: check its name, AWS_REGION and --endpoint';
  if (error.status === 403 || /AccessDenied|InvalidAccessKeyId|SignatureDoesNotMatch/.test(message))
    return 'access denied: check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (or AWS_PROFILE) and the bucket policy';
  if (error.status === 301 || /PermanentRedirect/.test(message))
    return 'the bucket is in another region: set AWS_REGION to its region';
  return undefined;
}

/** One line for an error that ended a command, with what to do about it when the cause is recognisable. */
export function describeCliError(error: unknown): string {
  const line = describeError(error);
  const hint = error instanceof LakeIoError && line.startsWith('S3 ') ? s3Hint(error) : undefined;
  return hint === undefined ? line : `${line}; ${hint}`;
}
