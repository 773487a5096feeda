import { MONTH_PATTERN, monthNumber, NUMBER_PATTERN } from '../text.ts';

/**
 * The words that decide whether a sentence designates. Candidates come from the closed world of ICS names; these
 * cues only say what a sentence does with them. Each function returns the words it matched, so a decision can
 * name them.
 *
 * Categories: designation (a verb or noun of conferring status), the ICS noun itself, wave references (a sentence
 * that continues the list: "the remaining four are", "is another"), negatives (earlier or existing systems, areas
 * still to come, negation, speculation, navigation), pivots (after "after", "than", "join" or "follow" the names
 * are the systems compared with), framing that makes a headline about something else (appointments, boards,
 * boundaries, history), and dates earlier than the page.
 */

function matches(text: string, pattern: RegExp): string[] {
  return [...text.matchAll(new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`))].map((match) =>
    match[0].trim(),
  );
}

const DESIGNATION =
  /\b(?:designat(?:e|ed|es|ing|ion|ions)|confirm(?:s|ed|ation)?|approv(?:e|es|ed|al)|nam(?:ed|es|ing)|select(?:s|ed)|chosen|picked|recogni[sz](?:e|es|ed|ing|tion)|accredit(?:s|ed|ation)?|accepted (?:onto|on to|into|as)|sign(?:s|ed)? off|becom(?:e|es|ing)|became|join(?:s|ed|ing)?|go(?:es)? live|operat(?:e|es|ing) as|run as|lead the way as|green light|go-ahead|rubber-stamp(?:s|ed)?|(?:made|make|makes) the (?:cut|grade)|(?:got|get|gets|given) the nod|thumbs[ -]up)\b/i;
// Verbs that confer a status only when the status is named: "granted ICS status", "hold their new status", "now
// have ICS status" (as "is now an ICS").
const STATUS =
  /\b(?:granted|given|gain(?:s|ed)?|get(?:s|ting)?|got|w[io]n(?:s)?|earn(?:s|ed)?|secur(?:e|es|ed)|handed|award(?:s|ed)?|achiev(?:e|es|ed)|hold(?:s|ing)?|(?:now|officially|formally) ha(?:ve|s)|mov(?:e|es|ed|ing) (?:in)?to|tak(?:e|es|ing|en) (?:on|up)|receiv(?:e|es|ed))\b[^.;:]{0,40}?\bstatus\b/i;

const SYSTEM_NOUN = '(?:[Ii]ntegrated [Cc]are [Ss]ystems?|ICSs?|[Aa]ccountable [Cc]are [Ss]ystems?|ACSs?)';
// "will operate as integrated care systems", "to work as an ICS": a role conferred.
const AS_SYSTEM = new RegExp(
  `\\bas (?:an? |the )?(?:(?:first|new|shadow|full|one of the)\\s+)*${SYSTEM_NOUN}\\b`,
  'g',
);
const COUNT_WORD = `(?:${NUMBER_PATTERN}|another)`;
const NEW_WORDS = '(?:more|new|further|additional|final|last|newest|latest|shadow|newly designated)';
// "four more ICSs", "the final 13 integrated care systems", "three newest ICSs": a wave of new systems.
// "New integrated care systems" (a heading over the list) and "newly designated ICSs" name a wave without a count.
const NEW_SYSTEMS = new RegExp(
  `\\b(?:(?:(?:first|final|last|latest|newest)\\s+${COUNT_WORD})|(?:${COUNT_WORD}\\s+(?:${NEW_WORDS}\\s+)+)|(?:^|(?<=\\bthe\\s+))(?:new|newest|newly designated)\\s+)\\s*${SYSTEM_NOUN}\\b`,
  'gi',
);
// "three new systems", "four more local partnerships", "the final 13 areas": a wave, in the page's own nouns.
const NEW_AREAS = new RegExp(
  `\\b(?:(?:first|final|last|latest|newest)\\s+${COUNT_WORD}|${COUNT_WORD}\\s+(?:${NEW_WORDS}\\s+)+)(?:local\\s+)?(?:areas|systems|partnerships|parts of (?:England|the country))\\b`,
  'gi',
);
// "Devon is now an integrated care system".
const NOW_A_SYSTEM = new RegExp(`\\b(?:is|are) (?:now|officially|formally) (?:an? )?${SYSTEM_NOUN}\\b`, 'g');

/** A cue word and where it stands in its text. */
interface Found {
  index: number;
  word: string;
}

function found(text: string, pattern: RegExp): Found[] {
  const flags = pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`;
  return [...text.matchAll(new RegExp(pattern.source, flags))].map((match) => ({
    index: match.index,
    word: match[0],
  }));
}

const ROLE_BEFORE = /\b(?:chief executives?|chairs?|chairman|chairwoman|directors?|officers?)\s+$/i;

/** ", as an ICS," set off by commas on both sides is an aside about a system, not a role conferred on it. */
function isAside(text: string, cue: Found): boolean {
  return /,\s*$/.test(text.slice(0, cue.index)) && /^\s*,/.test(text.slice(cue.index + cue.word.length));
}

/** Every status cue of a text with its position: status words, roles conferred, waves of new systems. */
function statusCues(text: string): Found[] {
  const waves = found(text, NEW_SYSTEMS).filter(
    (cue) => !MODIFIED.test(text.slice(cue.index + cue.word.length)),
  );
  // "chair designate", "chief executive designates": a title.
  const titled = (cue: Found) => /designates?$/i.test(cue.word) && ROLE_BEFORE.test(text.slice(0, cue.index));
  return [
    ...found(text, DESIGNATION).filter((cue) => !titled(cue)),
    ...found(text, STATUS),
    ...found(text, AS_SYSTEM).filter((cue) => !isAside(text, cue)),
    ...found(text, NOW_A_SYSTEM),
    ...waves,
  ];
}

/** Words that confer status: "designated", "confirmed as", "will become", "granted … status", "join". */
export function designationCues(text: string): string[] {
  return statusCues(text).map((cue) => cue.word.trim());
}

/** Phrases that name the status they confer: "granted ICS status", "take on their new status". */
export function statusPhrases(text: string): string[] {
  return matches(text, STATUS);
}

/** "three new systems", "four more local partnerships": a wave of new areas, whatever the page calls them. */
export function newAreaCues(text: string): string[] {
  return found(text, NEW_AREAS).map((cue) => cue.word);
}

const ICS_NOUN = /\b(?:[Ii]ntegrated [Cc]are [Ss]ystems?|ICSs?|[Aa]ccountable [Cc]are [Ss]ystems?|ACSs?)\b/;
// A noun after "ICS" that makes it a modifier: "ICS chief executive", "integrated care system boundaries".
const MODIFIED =
  /^(?:\s*\((?:ICSs?|ACSs?)\))?\s+(?:leaders?|leadership|chief|chairs?|chairman|director|directors|leads?|boards?|bodies|body|boundar(?:y|ies)|models?|bill|budgets?|funding|footprints?|teams?|roles?|jobs?|partners?|polic(?:y|ies)|guidance|reviews?|networks?|plans?|convener|process|framework|performance|data)\b/i;

// Words that may stand between a status word and the ICS noun it confers: "designated as", "to become", "named the
// first", "confirmed as one of the new".
const COMPLEMENT_GAP = new RegExp(
  `^(?:[\\s,:]+|\\b(?:as|to|be|been|being|become|becoming|into|onto|on|an?|the|their|its|our|one|of|first|new|more|further|final|latest|newest|shadow|full|fully|formally|officially|now|local|wave|cohort|group|round|batch|tranche|set|list|generation|${NUMBER_PATTERN})\\b)*$`,
  'i',
);
// Words that may stand between the ICS noun and the status word it takes: "Four ICSs have today been approved".
const SUBJECT_GAP =
  /^(?:[\s,:]+|\b(?:have|has|had|are|is|were|was|will|would|be|been|being|today|now|officially|formally|also|all|both|each|yesterday)\b)*$/i;
// A preposition whose object the ICS noun is ("plans for four ICSs"): the noun is then not what takes the status.
const GOVERNED =
  /\b(?:for|of|in|at|on|with|from|to|across|among|between|by)\s+(?:(?:the|these|those|its|their|all|some|four|\w+teen|\d+|new|more|further|existing)\s+)*$/i;
// After a status word, what confers something else: "selected for a digital programme", "named in a report", "join
// forces"; dates, agents, the role itself and the areas it goes to are not ("confirmed from April", "approved by NHS
// England", "confirmed in four more parts of the country").
const ELSE_CONFERRED = new RegExp(
  `^\\s+(?:(?:for|in|on|at|with|to)\\b(?!\\s+(?:the\\s+)?(?:become|be|operate|work|run|shadow|full|principle|more|new|further|another|\\d|${NUMBER_PATTERN}|${MONTH_PATTERN}|(?:mon|tues|wednes|thurs|fri|satur|sun)day)\\b)|(?!(?:from|by|as|today|yesterday|this|next|last|and|or|but|after|following|for|in|on|at|with|to)\\b)\\p{Ll})`,
  'u',
);

/**
 * Status words tied to the ICS noun they confer ("confirmed as an integrated care system", "to become ICSs",
 * "four more ICSs approved", "granted ICS status"): the noun follows the status word as what it confers, or, as its
 * subject, takes a status word that confers nothing else. As opposed to "Four ICSs selected for a digital
 * programme", "ICSs join forces on maternity", "approved the plans of four integrated care systems", or "Devon ICS
 * has confirmed plans for a new hospital, the integrated care system said".
 */
export function linkedDesignation(
  text: string,
  excluded: readonly { start: number; end: number }[] = [],
): string[] {
  const wordAt = (offset: number) => text.slice(0, offset).split(/\s+/).length;
  const nouns = [...text.matchAll(new RegExp(ICS_NOUN.source, 'g'))].filter(
    (match) =>
      !MODIFIED.test(text.slice(match.index + match[0].length)) &&
      !excluded.some((span) => span.start <= match.index && match.index < span.end),
  );
  const waves = found(text, NEW_AREAS);
  const confers = (cue: Found, noun: RegExpMatchArray) => {
    const at = noun.index ?? 0;
    const cueEnd = cue.index + cue.word.length;
    if (Math.abs(wordAt(at) - wordAt(cue.index)) > 6) return false;
    if (cue.index <= at && at < cueEnd) return true;
    if (at >= cueEnd) return COMPLEMENT_GAP.test(text.slice(cueEnd, at));
    // A wave of new areas stands beside the noun ("its first integrated care system, one of three new systems").
    if (waves.includes(cue)) return COMPLEMENT_GAP.test(text.slice(at + noun[0].length, cue.index));
    const nounEnd = at + noun[0].length;
    return (
      SUBJECT_GAP.test(text.slice(nounEnd, cue.index)) &&
      !GOVERNED.test(text.slice(0, at)) &&
      !ELSE_CONFERRED.test(text.slice(cueEnd))
    );
  };
  const linked = [...statusCues(text), ...waves].flatMap((cue) => {
    const noun = nouns.find((match) => confers(cue, match));
    return noun ? [cue.word.trim(), noun[0]] : [];
  });
  return [...new Set(linked)];
}

/**
 * The ICS noun used as the thing itself ("four new ICSs", "ICS status"), not as a modifier ("ICS chief
 * executive") and not inside a system's own name ("Devon ICS confirms …"), which `excluded` spans mark; with where
 * each stands.
 */
export function icsNounSpans(
  text: string,
  excluded: readonly { start: number; end: number }[] = [],
): { index: number; word: string }[] {
  return [...text.matchAll(new RegExp(ICS_NOUN.source, 'g'))]
    .filter((match) => !MODIFIED.test(text.slice(match.index + match[0].length)))
    .filter((match) => !excluded.some((span) => span.start <= match.index && match.index < span.end))
    .map((match) => ({ index: match.index, word: match[0] }));
}

/** The ICS nouns of a text used as the thing itself (see {@link icsNounSpans}). */
export function icsNouns(text: string, excluded: readonly { start: number; end: number }[] = []): string[] {
  return icsNounSpans(text, excluded).map((noun) => noun.word);
}

const WAVE_REFERENCE =
  /\b(?:(?:this|the same) (?:step|milestone|status|news|designation)|at the same time|alongside us|is one\b(?! of)|one of (?:those|them|these)|another|the other|the others|the rest|(?:on|completes?) the (?:list|set|group)|the (?:list|set|group|batch|wave|cohort|round|tranche|intake|quartet|trio)|(?:make|makes|made|form|forms|formed)(?: up)? the (?:new |latest )?(?:list|set|group|batch|wave|cohort|round|tranche|intake)|quartet|trio|among those (?:approved|named|confirmed|designated)|(?:is|are) among (?:them|these|those)|(?:the|these) (?:new )?(?:areas|systems|partnerships|ICSs) (?:are|include)|they are|these are|completes?)\b/i;

/** Words by which a sentence continues the announced list ("the remaining four are", "is another", "the list"). */
export function waveReferences(text: string): string[] {
  return matches(text, WAVE_REFERENCE);
}

const EARLIER =
  /\b(?:(?:days?|weeks?|months?|years?|shortly|soon|just) after|already|previously|earlier|originally|last (?:year|month)|before this round|so far|to date|ago|years since|years on)\b/i;
// "next year" is still to come, except as the year of a date ("from April next year"); so are the areas "tipped"
// or "next in line" for it. "would" is a condition, except as the future of reported speech ("said eight areas
// would form the first wave").
const PENDING =
  /\b(?:(?:work|works|working|develop|develops|developing|mov(?:e|es|ing)|progress(?:es|ing)?|journey|path) towards|on (?:the|their|its|a) (?:journey|path|road)\b|appl(?:y|ies|ying|ication|ications) (?:to|for)|still to|yet to|not yet|remain(?:s|ing)? to be|expected to|due to (?:become|be)|hop(?:e|es|ing) to|aspir\w+|could|might|(?<!\b(?:said|announced|confirmed|revealed)\b[^,.;:]{0,40})would|(?<!(?:January|February|March|April|May|June|July|August|September|October|November|December)\s)next (?:round|wave|year|batch)|approved next|later this year|in time for|bid(?:s|ding)? to|to come|are left|left to|tipped|(?:next )?in line (?:for|to)|next in line|in the running|front-?runners?)\b/i;
// Areas turned down or held back this time: "Devon must wait", "Cornwall missed out", "Kent was held back".
const REFUSED =
  /\b(?:(?:must|will have to|has to|have to|had to) wait|held back|miss(?:es|ed)? out|left out|fell short|falls? short|deferred|turned down|passed over)\b/i;
const NEGATION = /\b(?:not|no longer|no|never|neither|nor|excluding|except|apart from|other than)\b|n't\b/i;
const NAVIGATION =
  /\b(?:related (?:articles?|news|stories|links)|read more|see also|more on|you may also like|further reading|find out more|latest (?:news|stories|articles)|most read|more (?:stories|news)|popular|trending|recommended|other news)\b/i;

/** Words that put a whole clause's names outside this announcement: earlier, still to come, not, navigation. */
export function negativeCues(text: string): string[] {
  return [EARLIER, PENDING, REFUSED, NEGATION, NAVIGATION].flatMap((pattern) => matches(text, pattern));
}

// Adjectives and nouns that mark only the names after them: "absorbs the existing Cumbria ICS".
const EARLIER_BEFORE_NAME = /\b(?:existing|original|first-wave|earliest|previous|pioneers?)\b/i;
// Words after which names are the systems compared with, set apart or joined: "third ICS after Greater
// Manchester", "the nine areas outside Greater Manchester", "they join Dorset". "join"/"follow" only with a subject before it ("Joining them are …" is not a pivot) and not in the
// passive ("is joined by Kent", "followed by Devon": those names share the status).
const PIVOT = /\b(?:after|than|unlike|(?<=\S\s+)(?:join(?:s|ed|ing)?|follow(?:s|ed|ing)?)\b(?!\s+by\b))/i;

/** A cue that speaks only for the names written after it. */
export interface PositionalCue {
  index: number;
  word: string;
}

function positions(text: string, pattern: RegExp): PositionalCue[] {
  return [...text.matchAll(new RegExp(pattern.source, 'gi'))].map((match) => ({
    index: match.index,
    word: match[0],
  }));
}

// "There are now 18 integrated care systems:": a list of every system so far, not of the wave.
const RUNNING_TOTAL =
  /\b(?:there (?:are|will be) now|in total|altogether|all \d+|all (?:forty-two|twenty-nine|eighteen))\b/i;

/** Words saying a list holds every system so far, not the ones announced ("There are now 18 ICSs:"). */
export function runningTotalCues(text: string): string[] {
  return matches(text, RUNNING_TOTAL);
}

/** "existing", "original", "pioneers" …: earlier systems, for the names after them. */
export function earlierBeforeName(text: string): PositionalCue[] {
  return positions(text, EARLIER_BEFORE_NAME);
}

// "outside Greater Manchester", "beyond London": a place set apart (not "outside the programme").
const APART = /\b(?:outside(?: of)?|beyond|besides)(?=\s+\p{Lu})/gu;

/** "after", "than", "outside", "join", "follow": the names after them are other systems. */
export function pivots(text: string): PositionalCue[] {
  const apart = [...text.matchAll(APART)].map((match) => ({ index: match.index, word: match[0] }));
  return [...positions(text, PIVOT), ...apart].sort((a, b) => a.index - b.index);
}

const FRAMES =
  /£|\b(?:explain\w*|what is|q&a|fund(?:s|ed|ing)?|invest\w*|pilot\w*|exemplars?|frontrunners?|test beds?|shortlist\w*|winners?|appoint\w*|recruit\w*|jobs?|vacanc\w+|roles|consultation|proposals?|white paper|boundar(?:y|ies)|review\w*|histor(?:y|ies)|look(?:s|ing)? back|anniversar\w+|retrospective|years on|statutory|integrated care boards?|ICBs?|mergers?|merg(?:e|es|ed|ing)|clusters?)\b/i;
// People's roles: a sentence naming one names a person to it, unless the role is who does the naming.
const ROLES = /\b(?:chief executives?|chairs?|chairman|chairwoman|directors?|accountable officers?)\b/i;
// "chief executive designate(s)", "chair designate": a title, never a designation of an area.
const ROLE_TITLE = /^\s+designates?\b/i;
// The role acts: "NHS chief executive names …", "chief executive, Simon Stevens, has named …", "chief executive
// Simon Stevens said …", "… by the chief executive".
const ROLE_ACTS =
  /^(?:\s*,?\s+(?:\p{Lu}[\p{L}'’-]+\s*){1,3},?)?\s+(?:(?:has|have|had|will|today)\s+)?(?:\p{Ll}+s|said|told|announced|revealed|confirmed)\b|^(?:\s*,?\s+(?:\p{Lu}[\p{L}'’-]+\s*){1,3},?)?\s+(?:has|have|had|will)\s+\p{Ll}+/u;
const BY_ROLE = /\bby\s+(?:[\p{L}'’]+\s+){0,3}$/iu;

/** Whether a role word is who acts (names, confirms), rather than what is named. */
function roleActs(text: string, cue: Found): boolean {
  const after = text.slice(cue.index + cue.word.length);
  if (ROLE_TITLE.test(after)) return false;
  return ROLE_ACTS.test(after) || BY_ROLE.test(text.slice(0, cue.index));
}

/**
 * Words that make a headline or lead about something other than designating systems: appointments, boards,
 * funding, boundaries, history…; a role counts when it is what is named ("names first ICS chief executive", "Chief
 * executive designates named"), not when it is who names ("NHS chief executive names first areas").
 */
export function framingCues(text: string): string[] {
  const roles = found(text, ROLES).filter((cue) => !roleActs(text, cue));
  return [...matches(text, FRAMES), ...roles.map((cue) => cue.word)];
}

const FUTURE = /\b(?:will|to become|from|next|due|expected|by|ahead)\b/i;
const PAST_TENSE =
  /\b(?:was|were|became|joined|had|has been|have been|started|began|followed|confirmed|named|designated|approved)\b/i;

/**
 * Dates in a sentence that lie before the page's own month: "in June 2019" in a December 2020 article, "since
 * 2016", "in May this year", "confirmed in December" in a March article. They place the sentence's names in an
 * earlier wave. Financial years ("2021/22") and "mid-2019" estimates are not events.
 */
export function earlierDates(text: string, announcedOn: string | null): string[] {
  if (announcedOn === null) return [];
  const year = Number(announcedOn.slice(0, 4));
  const month = Number(announcedOn.slice(5, 7));
  const found: string[] = [];
  const dated = new RegExp(`\\b(?:\\d{1,2}\\s+)?(${MONTH_PATTERN})\\s+((?:19|20)\\d\\d)\\b`, 'g');
  for (const match of text.matchAll(dated)) {
    const at = Number(match[2]) * 12 + monthNumber(match[1] ?? '');
    if (at < year * 12 + month) found.push(match[0]);
  }
  const withoutDated = text.replace(dated, ' ');
  for (const match of withoutDated.matchAll(/(?<!mid-)\b((?:19|20)\d\d)\b(?![/\d-])/g)) {
    if (Number(match[1]) < year) found.push(match[0]);
  }
  const bare = new RegExp(
    `\\b(in|this|since|last)\\s+(${MONTH_PATTERN})\\b(?!\\s+\\d)|\\b(${MONTH_PATTERN}) this year\\b`,
    'g',
  );
  for (const match of withoutDated.matchAll(bare)) {
    const named = monthNumber(match[2] ?? match[3] ?? '');
    const thisYear = match[1]?.toLowerCase() === 'this' || match[3] !== undefined;
    const earlier = thisYear
      ? named < month
      : named !== month && (PAST_TENSE.test(text) || named < month) && !FUTURE.test(text);
    if (earlier) found.push(match[0]);
  }
  return found;
}

/** NHS England's regions, present and past, which head groups of systems on regional pages. */
const REGIONS = [
  'north east and yorkshire',
  'yorkshire and the humber',
  'midlands and east',
  'east of england',
  'east midlands',
  'west midlands',
  'north west',
  'north east',
  'south west',
  'south east',
  'midlands',
  'london',
  'north',
  'south',
];

/** Whether a heading or short paragraph only names regions ("Midlands", "London region", "North West:"). */
export function isRegionLabel(text: string): boolean {
  let rest = text.toLowerCase().replace(/&/g, 'and');
  for (const region of REGIONS) rest = rest.replaceAll(region, ' ');
  return rest.replace(/\b(?:and|the|nhs|england|regions?|in)\b|[\s,.:;()–-]/g, '').length === 0;
}
