/**
 * Name normalisation for entity resolution. Every transformation is a named, reversible-to-explain step so
 * that `Gazetteer.explain` can say exactly why two spellings were treated as the same name. There is no
 * fuzzy matching: two names match only when their normalised keys are identical.
 */

/** Words that carry no identity in ICS names ("Cornwall and the Isles of Scilly" = "Cornwall and Isles of Scilly"). */
const CONNECTIVES = new Set(['and', 'the']);

/**
 * Organisational suffixes removed from the end of a name, longest first, as token sequences (connectives
 * already removed). Removing them is safe because no two ICS footprints differ only by such a suffix.
 */
const SUFFIXES: readonly { label: string; tokens: readonly string[] }[] = [
  {
    label: 'Sustainability and Transformation Partnership',
    tokens: ['sustainability', 'transformation', 'partnership'],
  },
  { label: 'Health and Social Care Partnership', tokens: ['health', 'social', 'care', 'partnership'] },
  { label: 'Health and Care Partnership', tokens: ['health', 'care', 'partnership'] },
  { label: 'Integrated Care Board', tokens: ['integrated', 'care', 'board'] },
  { label: 'Integrated Care System', tokens: ['integrated', 'care', 'system'] },
  { label: 'Integrated Care Systems', tokens: ['integrated', 'care', 'systems'] },
  { label: 'Health and Care', tokens: ['health', 'care'] },
  { label: 'Partnership', tokens: ['partnership'] },
  { label: 'ICB', tokens: ['icb'] },
  { label: 'ICS', tokens: ['ics'] },
  { label: 'STP', tokens: ['stp'] },
];

/** Leading words removed: "NHS Sussex Integrated Care Board", "The Black Country". */
const PREFIXES = new Set(['nhs']);

/**
 * County short forms the trade press writes inside system names ("Bucks, Oxon and Berks West"), read as the
 * county. Only whole tokens are expanded, and only inside a name being matched, so "beds" in running text
 * never becomes a county unless the whole span is a known name.
 */
export const COUNTY_SHORT_FORMS: Readonly<Record<string, string>> = {
  beds: 'bedfordshire',
  berks: 'berkshire',
  bucks: 'buckinghamshire',
  cambs: 'cambridgeshire',
  derbys: 'derbyshire',
  glos: 'gloucestershire',
  gloucs: 'gloucestershire',
  hants: 'hampshire',
  herts: 'hertfordshire',
  iow: 'isle of wight',
  lancs: 'lancashire',
  leics: 'leicestershire',
  lincs: 'lincolnshire',
  northants: 'northamptonshire',
  notts: 'nottinghamshire',
  oxon: 'oxfordshire',
  staffs: 'staffordshire',
  warks: 'warwickshire',
  wilts: 'wiltshire',
  worcs: 'worcestershire',
};

/** The normalised key of a name plus the steps that produced it (for `explain`). */
export interface NormalisedName {
  /** The matching key: lower-case tokens, connectives and organisational affixes removed, space-joined. */
  key: string;
  /** Human-readable steps applied, in order. */
  steps: string[];
}

/** Normalise a published name to its matching key, recording each step taken. */
export function normaliseName(name: string): NormalisedName {
  const steps: string[] = [];
  let text = name.normalize('NFKC');
  const lower = text.toLowerCase();
  if (lower !== text) steps.push('lower-cased');
  text = lower;
  if (text.includes('&')) {
    text = text.replaceAll('&', ' and ');
    steps.push('"&" read as "and"');
  }
  // Apostrophes join (“king's” -> "kings"); every other non-alphanumeric character separates words.
  const unpunctuated = text.replace(/['’‘]/g, '').replace(/[^a-z0-9]+/g, ' ');
  if (unpunctuated.trim() !== text.replace(/\s+/g, ' ').trim())
    steps.push('punctuation and hyphens replaced by spaces');
  let tokens = unpunctuated.split(' ').filter((token) => token.length > 0);
  const expanded = tokens.flatMap((token) => (COUNTY_SHORT_FORMS[token] ?? token).split(' '));
  if (expanded.length !== tokens.length || expanded.some((token, index) => token !== tokens[index])) {
    steps.push('county short forms read in full ("Bucks" as "Buckinghamshire")');
    tokens = expanded;
  }

  const withoutConnectives = tokens.filter((token) => !CONNECTIVES.has(token));
  if (withoutConnectives.length !== tokens.length) steps.push('removed connectives "and" / "the"');
  tokens = withoutConnectives;

  let changed = true;
  while (changed && tokens.length > 1) {
    changed = false;
    const first = tokens[0];
    if (first !== undefined && PREFIXES.has(first)) {
      tokens = tokens.slice(1);
      steps.push(`removed leading "${first.toUpperCase()}"`);
      changed = true;
      continue;
    }
    for (const suffix of SUFFIXES) {
      if (suffix.tokens.length >= tokens.length) continue;
      const tail = tokens.slice(tokens.length - suffix.tokens.length);
      if (tail.every((token, index) => token === suffix.tokens[index])) {
        tokens = tokens.slice(0, tokens.length - suffix.tokens.length);
        steps.push(`removed suffix "${suffix.label}"`);
        changed = true;
        break;
      }
    }
  }
  return { key: tokens.join(' '), steps };
}

/**
 * A display short name: the name without a leading "NHS" and a trailing "Integrated Care Board/System",
 * keeping its published spelling ("NHS Cornwall and the Isles of Scilly Integrated Care Board" ->
 * "Cornwall and the Isles of Scilly").
 */
export function shortName(name: string): string {
  return name
    .trim()
    .replace(/^NHS\s+/i, '')
    .replace(/\s+(Integrated Care (Board|System)|ICB|ICS)$/i, '')
    .trim();
}
