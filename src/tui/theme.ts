// Styles by meaning (an error, the selection, a search match), written as blessed tag
// markup. With NO_COLOR (https://no-color.org) every style keeps its emphasis (bold,
// underline, inverse) and drops its colour. Pure.
import { escapeTags } from './text.js';

export type StyleName =
  'title' | 'heading' | 'selected' | 'error' | 'warning' | 'good' | 'dim' | 'accent' | 'match' | 'tabActive' | 'tab' | 'banner' | 'key';

const COLOURED: Record<StyleName, string[]> = {
  title: ['bold'],
  heading: ['bold'],
  selected: ['inverse'],
  error: ['red-fg', 'bold'],
  warning: ['yellow-fg'],
  good: ['green-fg'],
  dim: ['gray-fg'],
  accent: ['cyan-fg'],
  match: ['black-fg', 'yellow-bg'],
  tabActive: ['inverse', 'bold'],
  tab: [],
  banner: ['white-fg', 'red-bg', 'bold'],
  key: ['cyan-fg', 'bold'],
};

const MONOCHROME: Record<StyleName, string[]> = {
  title: ['bold'],
  heading: ['bold'],
  selected: ['inverse'],
  error: ['bold'],
  warning: ['bold'],
  good: [],
  dim: [],
  accent: [],
  match: ['underline'],
  tabActive: ['inverse', 'bold'],
  tab: [],
  banner: ['inverse', 'bold'],
  key: ['bold'],
};

export interface Theme {
  readonly colour: boolean;
  /** Wraps markup (already escaped) in a style. */
  wrap(style: StyleName, markup: string): string;
  /** Escapes plain text and wraps it in a style. */
  paint(style: StyleName, text: string): string;
}

export function createTheme(env: NodeJS.ProcessEnv = process.env): Theme {
  // no-color.org: present and not empty disables colour.
  const colour = !(env.NO_COLOR !== undefined && env.NO_COLOR !== '');
  const table = colour ? COLOURED : MONOCHROME;
  const wrap = (style: StyleName, markup: string): string => {
    const tags = table[style];
    if (tags.length === 0 || markup === '') return markup;
    return (
      tags.map((t) => `{${t}}`).join('') +
      markup +
      [...tags]
        .reverse()
        .map((t) => `{/${t}}`)
        .join('')
    );
  };
  return { colour, wrap, paint: (style, text) => wrap(style, escapeTags(text)) };
}

/** Escapes text and marks every case-insensitive occurrence of `query` with the match style. */
export function highlightMatches(text: string, query: string, theme: Theme): string {
  const q = query.toLowerCase();
  if (!q) return escapeTags(text);
  const lower = text.toLowerCase();
  let out = '';
  let from = 0;
  for (let at = lower.indexOf(q); at >= 0; at = lower.indexOf(q, from)) {
    out += escapeTags(text.slice(from, at)) + theme.paint('match', text.slice(at, at + q.length));
    from = at + q.length;
  }
  return out + escapeTags(text.slice(from));
}
