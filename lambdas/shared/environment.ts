import { z } from 'zod';

/** The variables `ProjectFunction.bindLakePrefix` / `bindTopic` set. */
const HandlerEnvironment = z.object({
  LAKE_BUCKET: z.string().min(3),
  CHANGE_TOPIC_ARN: z.string().startsWith('arn:').optional(),
  /** The public address of the lake (CloudFront), ending in `/`. */
  PUBLIC_BASE_URL: z.url().endsWith('/').optional(),
});
export type HandlerEnvironment = z.infer<typeof HandlerEnvironment>;

/** Read the handler configuration once, failing at cold start with the missing variable named. */
export function readHandlerEnvironment(env: NodeJS.ProcessEnv = process.env): HandlerEnvironment {
  const parsed = HandlerEnvironment.safeParse(env);
  if (!parsed.success) throw new Error(`Lambda environment: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
