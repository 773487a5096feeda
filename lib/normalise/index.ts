/** The normalise stage's public surface. */
export { type AliasEntry, defaultAliases } from './aliases.ts';
export { ABOUT_TOLERANCE, EXACT_TOLERANCE, isConsistent } from './claims.ts';
export * from './datasets.ts';
export {
  buildGazetteer,
  type Gazetteer,
  type GazetteerInput,
  IcbNameEntry,
  LegacyStpRow,
  type Resolution,
} from './gazetteer.ts';
export {
  GpAggregateInput,
  icbNameEntriesFromNamesList,
  NormaliseInput,
  NormaliseOptions,
  Provenance,
} from './input.ts';
export { normaliseName } from './names.ts';
export { type LineageEntry, type NormaliseResult, normalise, type UnresolvedEntry } from './normalise.ts';
export { type DesignationClaim, type DesignationDecision, decideDesignation } from './precedence.ts';
export { vintageFor, vintageStart } from './vintage.ts';
