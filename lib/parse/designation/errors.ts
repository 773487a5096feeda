import { IcsLakeError, SourceLayoutError } from '../../core/errors.ts';
import type { DesignatedArea } from './model.ts';

/** The areas a page was read as designating before its checks failed, carried to the quarantine record. */
export type AreasFound = readonly Pick<DesignatedArea, 'name_as_published' | 'ics_code'>[];

/**
 * A designation page whose stated count ("eleven further systems") differs from the number of areas found. The
 * page is quarantined rather than emitted as a complete wave.
 */
export class DesignationCountError extends IcsLakeError {
  readonly code = 'count_mismatch';
  constructor(
    message: string,
    sourceId: string,
    url: string,
    /** The areas found. */
    readonly areas: AreasFound,
  ) {
    super(message, sourceId, url);
  }
}

/**
 * A designation page whose headline or lead announces designations but whose text yields no area (the names
 * moved into an image, a script or a layout the extractor does not read), or that carries no publication date.
 */
export class DesignationLayoutError extends SourceLayoutError {
  constructor(
    message: string,
    sourceId: string,
    url: string,
    /** The areas found, if any. */
    readonly areas: AreasFound,
  ) {
    super(message, sourceId, url);
  }
}

/** Either way a designation page fails closed. */
export type DesignationCheckError = DesignationCountError | DesignationLayoutError;

/** Whether an error is a designation page failing closed (and so carries the areas found). */
export function isDesignationCheckError(error: unknown): error is DesignationCheckError {
  return error instanceof DesignationCountError || error instanceof DesignationLayoutError;
}
