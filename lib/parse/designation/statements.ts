import type { PublishedStatement } from '../records.ts';
import { NUMBER_PATTERN, parseNumber, QUALIFIER_PATTERN, qualifierOf } from '../text.ts';

/**
 * Population, coverage and count statements an announcement makes ("serving 14.5 million people", "more than
 * 60 per cent", "there are now 29 ICSs"), each scoped to the wave it announces, the running total, or neither.
 * These become `published_claims`, set against the figures computed from the data.
 */

/** What the statement scoping needs to know about one sentence of the article. */
export interface SentenceFacts {
  sentence: string;
  /** Whether the sentence designates (a status word with the ICS noun, nothing against). */
  designation: boolean;
  /** Designated areas the sentence itself names. */
  areaCount: number;
}

/** A running total of ICSs ("there are now 29 ICSs") and the sentence stating it. */
export interface RunningTotal {
  value: number;
  evidence: string;
  index: number;
}

const ICS_TERM = /\b(?:integrated care systems?|ICSs?|accountable care systems?)\b/i;
const SYSTEM_NOUN = '(?:integrated care systems|ICSs|accountable care systems)';
const TOTAL_CUE =
  /\b(?:in all|in total|altogether|overall|there are now|now cover\w*|(?:is|are) now covered|all of England|every part of|whole of England|(?:brings?|bringing|takes?|taking) the (?:total|number))\b/i;
const WAVE_CUE =
  /\b(?:combined|between them|together|these (?:areas|systems)|the new (?:systems|ICSs|areas)|serving|serve)\b/i;
// A figure that leaves part of the wave out ("excluding Greater Manchester") describes neither wave nor total.
const PARTIAL_CUE = /\b(?:excluding|apart from|except|alone)\b/i;
const POPULATION_WORDS = /\b(?:people|population|residents|patients|serv\w*|cover\w*)\b/i;

/** The running total a sentence states, if any ("bringing the total to 29", "42 ICSs will be in place"). */
export function runningTotalOf(sentence: string): RunningTotal | null {
  const patterns = [
    new RegExp(`\\bthere (?:are|will be) now (${NUMBER_PATTERN}) ${SYSTEM_NOUN}\\b`, 'i'),
    new RegExp(
      `\\b(?:brings?|bringing|takes?|taking) the (?:total|number)(?: of (?:integrated care systems|ICSs|systems)(?: in England)?)? to (${NUMBER_PATTERN})\\b`,
      'i',
    ),
    new RegExp(`\\b(?:making|a total of) (${NUMBER_PATTERN}) ${SYSTEM_NOUN}\\b`, 'i'),
    new RegExp(
      `\\b(${NUMBER_PATTERN}) ${SYSTEM_NOUN}(?: \\(ICSs\\))? (?:will be |are now |are |were )in place\\b`,
      'i',
    ),
  ];
  for (const pattern of patterns) {
    const match = pattern.exec(sentence);
    const value = match?.[1] ? parseNumber(match[1]) : null;
    if (match && value !== null && value > 0) return { value, evidence: sentence, index: match.index };
  }
  return null;
}

function scopeOf(facts: SentenceFacts, totalAreas: number, runningTotal: RunningTotal | null) {
  const { sentence } = facts;
  if (TOTAL_CUE.test(sentence) || runningTotal?.evidence === sentence) return 'total' as const;
  if (PARTIAL_CUE.test(sentence)) return 'other' as const;
  if (!facts.designation && !WAVE_CUE.test(sentence)) return 'other' as const;
  return facts.areaCount > 0 && facts.areaCount < totalAreas ? ('other' as const) : ('wave' as const);
}

type Found = { index: number; statement: PublishedStatement };
type Scope = PublishedStatement['scope'];

function populations(sentence: string, scope: Scope): Found[] {
  const pattern = new RegExp(`(?:(${QUALIFIER_PATTERN})\\s+)?(£)?(${NUMBER_PATTERN})\\s+million\\b`, 'gi');
  return [...sentence.matchAll(pattern)].flatMap((match) => {
    const value = parseNumber(match[3] ?? '');
    if (match[2] || value === null) return [];
    const statement = {
      kind: 'population' as const,
      value: Math.round(value * 1_000_000),
      qualifier: qualifierOf(match[1]),
      scope,
      evidence: sentence,
    };
    return [{ index: match.index, statement }];
  });
}

function percents(sentence: string, scope: Scope): Found[] {
  const pattern = new RegExp(
    `(?:(${QUALIFIER_PATTERN})\\s+)?(\\d+(?:\\.\\d+)?)\\s*(?:per cent|percent|%)`,
    'gi',
  );
  return [...sentence.matchAll(pattern)].map((match) => ({
    index: match.index,
    statement: {
      kind: 'percent' as const,
      value: Number(match[2]),
      qualifier: qualifierOf(match[1]),
      scope,
      evidence: sentence,
    },
  }));
}

const FRACTIONS: Record<string, number> = { half: 50, 'a third': 33.3, 'a quarter': 25, 'two thirds': 66.7 };

function fractions(sentence: string, scope: Scope): Found[] {
  const pattern = new RegExp(
    `(?:(${QUALIFIER_PATTERN})\\s+)?\\b(half|a third|a quarter|two thirds|one in (${NUMBER_PATTERN}))(?=\\s+(?:of\\b|people\\b|residents\\b))`,
    'gi',
  );
  return [...sentence.matchAll(pattern)].flatMap((match) => {
    const oneIn = match[3] ? parseNumber(match[3]) : null;
    const value = FRACTIONS[(match[2] ?? '').toLowerCase()] ?? (oneIn ? Math.round(1000 / oneIn) / 10 : null);
    if (value === null) return [];
    const qualifier = qualifierOf(match[1] ?? 'about');
    return [
      {
        index: match.index,
        statement: { kind: 'percent' as const, value, qualifier, scope, evidence: sentence },
      },
    ];
  });
}

function wholeOfEngland(sentence: string): Found[] {
  const whole = /\b(?:all of England|every part of (?:England|the country)|the whole of England)\b/i.exec(
    sentence,
  );
  if (!whole || !ICS_TERM.test(sentence)) return [];
  const statement = {
    kind: 'percent' as const,
    value: 100,
    qualifier: 'exactly' as const,
    scope: 'total' as const,
  };
  return [{ index: whole.index, statement: { ...statement, evidence: sentence } }];
}

/** The population and coverage statements of one sentence, in the order they are written. */
export function statementsOf(
  facts: SentenceFacts,
  totalAreas: number,
  runningTotal: RunningTotal | null,
): Found[] {
  if (!POPULATION_WORDS.test(facts.sentence)) return [];
  const scope = scopeOf(facts, totalAreas, runningTotal);
  return [
    ...populations(facts.sentence, scope),
    ...percents(facts.sentence, scope),
    ...fractions(facts.sentence, scope),
    ...wholeOfEngland(facts.sentence),
  ];
}

/**
 * Every statement of an article: per sentence in order, the wave count where it is stated, the running total
 * where it is stated, then population and coverage figures; one statement per kind, value, qualifier and scope.
 */
export function articleStatements(
  sentences: readonly SentenceFacts[],
  totalAreas: number,
  waveCount: { value: number; evidence: string; index: number } | null,
): { statements: PublishedStatement[]; runningTotal: RunningTotal | null } {
  const runningTotal = sentences.map((facts) => runningTotalOf(facts.sentence)).find(Boolean) ?? null;
  const statements: PublishedStatement[] = [];
  const keys = new Set<string>();
  for (const facts of sentences) {
    const found = statementsOf(facts, totalAreas, runningTotal);
    const count = (value: number, scope: Scope, index: number) => ({
      index,
      statement: {
        kind: 'count' as const,
        value,
        qualifier: 'exactly' as const,
        scope,
        evidence: facts.sentence,
      },
    });
    if (waveCount?.evidence === facts.sentence) found.push(count(waveCount.value, 'wave', waveCount.index));
    if (runningTotal?.evidence === facts.sentence)
      found.push(count(runningTotal.value, 'total', runningTotal.index));
    for (const { statement } of found.sort((a, b) => a.index - b.index)) {
      const key = `${statement.kind}|${statement.value}|${statement.qualifier}|${statement.scope}`;
      if (keys.has(key)) continue;
      keys.add(key);
      statements.push(statement);
    }
  }
  return { statements, runningTotal };
}
