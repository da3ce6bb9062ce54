/**
 * Dead letters summarised for the reader: by the topic they came from and
 * the kind of refusal, with message and letter counts, and records shown as
 * indented JSON.
 */

/** What grouping needs of a dead-lettered message (GET /v1/dead-letters). */
export interface Refused {
  origin: { topic: string };
  letters: { at: string; reason: string }[];
}

export interface Group {
  topic: string;
  /** The reason with the offending values left out, so one kind of refusal is one group. */
  reason: string;
  messages: number;
  letters: number;
  /** ISO time of the latest letter. */
  last: string;
}

/**
 * A reason without the values that differ from message to message: what
 * follows "got", examples in parentheses and quoted values ('week: expected
 * a date on the grid (for example 2011-02-25), got "2011-03-03"' -> 'week:
 * expected a date on the grid').
 */
export function reasonKind(reason: string): string {
  return reason
    .replace(/,?\s*\bgot\b.*$/s, '')
    .replace(/\s*\([^)]*\)/g, '')
    .replace(/"[^"]*"/g, '"…"')
    .trim();
}

/** Messages grouped by origin topic and reason kind, most letters first. */
export function groupDeadLetters(rows: readonly Refused[]): Group[] {
  const groups = new Map<string, Group>();
  for (const m of rows) {
    const reason = reasonKind(m.letters[0]?.reason ?? '');
    const k = `${m.origin.topic}\u0000${reason}`;
    const g = groups.get(k) ?? { topic: m.origin.topic, reason, messages: 0, letters: 0, last: '' };
    g.messages += 1;
    g.letters += m.letters.length;
    for (const l of m.letters) if (l.at > g.last) g.last = l.at;
    groups.set(k, g);
  }
  return [...groups.values()].sort((a, b) => b.letters - a.letters || a.topic.localeCompare(b.topic));
}

/** The topics letters came from, in the order of their first appearance. */
export const originTopics = (rows: readonly Refused[]): string[] => [...new Set(rows.map((m) => m.origin.topic))];

/** A record as indented JSON when it is JSON, as it is otherwise. */
export function prettyRecord(record: string): string {
  try {
    return JSON.stringify(JSON.parse(record), null, 2);
  } catch {
    return record;
  }
}
