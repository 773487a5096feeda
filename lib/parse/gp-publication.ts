import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { type ParseContext, parseCsvRows } from './csv.ts';
import { isGpPracticeMapHeader, parseGpPracticeMap } from './gp-practice-map.ts';
import {
  aggregateGpRegistrationBatches,
  GP_REGISTRATIONS_SOURCE_ID,
  type GpRegistrationAggregate,
  parseGpRegistrationBatches,
} from './gp-registrations.ts';

/**
 * One attachment of the "Patients Registered at a GP Practice" publication, whichever it is: a count file (totals,
 * single year of age) is streamed and summed; a practice mapping file is read whole (about a megabyte). The header
 * decides, so an attachment renamed on the publisher's side is still read by the right parser.
 */

/** Bytes read ahead to find the header; a header longer than this is not a GP file. */
const HEADER_WINDOW = 64 * 1024;

/** Parse a GP publication attachment (CSV bytes as a stream) into its aggregate. */
export async function parseGpPublication(
  input: NodeJS.ReadableStream | Readable,
  options: { sourceId?: string; url: string },
): Promise<GpRegistrationAggregate> {
  const context: ParseContext = {
    sourceId: options.sourceId ?? GP_REGISTRATIONS_SOURCE_ID,
    url: options.url,
  };
  const iterator = (input as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headBytes = 0;
  let done = false;
  // Read until the first few lines are in hand (the header may follow a title line or two).
  while (headBytes < HEADER_WINDOW) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    head.push(chunk);
    headBytes += chunk.length;
    if (countNewlines(head) >= 12) break;
  }
  const rest = async function* (): AsyncGenerator<Buffer> {
    yield* head;
    if (done) return;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      yield typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    }
  };
  if (looksLikeMapping(Buffer.concat(head), context)) {
    const decoder = new StringDecoder('utf8');
    let text = '';
    for await (const chunk of rest()) text += decoder.write(chunk);
    text += decoder.end();
    return parseGpPracticeMap(text.replace(/^\ufeff/, ''), options);
  }
  return aggregateGpRegistrationBatches(parseGpRegistrationBatches(Readable.from(rest()), options), options);
}

function countNewlines(chunks: readonly Buffer[]): number {
  let count = 0;
  for (const chunk of chunks) for (const byte of chunk) if (byte === 10) count += 1;
  return count;
}

function looksLikeMapping(head: Buffer, context: ParseContext): boolean {
  const text = new StringDecoder('utf8').write(head).replace(/^\ufeff/, '');
  const complete = text.slice(0, text.lastIndexOf('\n') + 1) || text;
  let rows: string[][];
  try {
    rows = parseCsvRows(complete, context);
  } catch {
    return false;
  }
  return rows.slice(0, 11).some((row) => isGpPracticeMapHeader(row));
}
