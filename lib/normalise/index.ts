/** The normalise stage's public surface. */
export { type AliasEntry, defaultAliases } from '../reference/aliases.ts';
export {
  buildGazetteer,
  type Gazetteer,
  type GazetteerInput,
  IcbNameEntry,
  icbNameEntriesFromNamesList,
  LegacyStpRow,
  type Resolution,
} from '../reference/gazetteer.ts';
export { normaliseName } from '../reference/names.ts';
export { vintageFor, vintageStart } from '../reference/vintage.ts';
export { ABOUT_TOLERANCE, EXACT_TOLERANCE, isConsistent } from './claims.ts';
export * from './datasets.ts';
export {
  GpAggregateInput,
  NormaliseInput,
  NormaliseOptions,
  Provenance,
} from './input.ts';
export {
  type LineageEntry,
  type NormaliseResult,
  normalise,
  normalisePartitioned,
  type PartitionedNormaliseResult,
  type UnresolvedEntry,
} from './normalise.ts';
export {
  isRebasedPartition,
  type PopulationPartitions,
  populationPartitionOf,
  rebasedPartitionOf,
  type SexAgeLoader,
} from './population-partitions.ts';
export { type DesignationClaim, type DesignationDecision, decideDesignation } from './precedence.ts';
export { existedOn, historyValueOn, icsOn, populationOn, statusOn } from './valid-time.ts';
