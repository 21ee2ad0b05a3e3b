// Fuzzy filtering as k9s and fzf do it: the query's characters must appear in order
// (case-insensitive); contiguous runs, word starts and early matches rank higher. Pure.

/** A score (higher is better), or null when the text does not match. Empty query: 0. */
export function fuzzyScore(query: string, text: string): number | null {
  const q = query.trim().toLowerCase();
  if (q === '') return 0;
  const t = text.toLowerCase();
  // A plain substring beats any scattered match, and an earlier one beats a later one.
  const at = t.indexOf(q);
  if (at >= 0) return 1000 - Math.min(at, 500) + (at === 0 || isBoundary(t, at) ? 100 : 0);
  let score = 0;
  let from = 0;
  let previous = -2;
  for (const ch of q) {
    if (ch === ' ') continue;
    const found = t.indexOf(ch, from);
    if (found < 0) return null;
    score += found === previous + 1 ? 10 : 1;
    if (isBoundary(t, found)) score += 5;
    previous = found;
    from = found + 1;
  }
  return score - Math.min(previous, 200) / 100;
}

function isBoundary(text: string, index: number): boolean {
  if (index === 0) return true;
  return /[\s/_.:@-]/.test(text[index - 1] ?? '');
}

/**
 * Keeps the items that match, best first; equal scores keep their original order so rows
 * do not jump between refreshes. An empty query keeps everything in order.
 */
export function fuzzyFilter<T>(items: readonly T[], query: string, textOf: (item: T) => string): T[] {
  if (query.trim() === '') return [...items];
  const scored: Array<{ item: T; score: number; index: number }> = [];
  items.forEach((item, index) => {
    const score = fuzzyScore(query, textOf(item));
    if (score !== null) scored.push({ item, score, index });
  });
  scored.sort((a, b) => b.score - a.score || a.index - b.index);
  return scored.map((s) => s.item);
}

/** Keeps matching items in their original order (tables that have their own sort). */
export function fuzzyKeep<T>(items: readonly T[], query: string, textOf: (item: T) => string): T[] {
  if (query.trim() === '') return [...items];
  return items.filter((item) => fuzzyScore(query, textOf(item)) !== null);
}
