// The one-line text input of the footer (filters, search, paths to download to): readline's
// usual keys on a string and a cursor position. Pure.
import { cleanText, displayWidth, escapeTags } from './text.js';

export class LineEditor {
  private chars: string[];
  private cursor: number;

  constructor(initial = '') {
    this.chars = [...initial];
    this.cursor = this.chars.length;
  }

  get value(): string {
    return this.chars.join('');
  }

  /**
   * Applies a key (blessed's name, or the typed character). 'submit' and 'cancel' end the
   * edit; 'changed' means the text changed; 'moved' the cursor moved; false: not a line key.
   */
  key(name: string, ch?: string): 'submit' | 'cancel' | 'changed' | 'moved' | false {
    switch (name) {
      case 'enter':
        return 'submit';
      case 'escape':
      case 'C-c':
      case 'C-g':
        return 'cancel';
      case 'backspace':
      case 'C-h':
        if (this.cursor === 0) return 'moved';
        this.chars.splice(--this.cursor, 1);
        return 'changed';
      case 'delete':
      case 'C-d':
        if (this.cursor >= this.chars.length) return 'moved';
        this.chars.splice(this.cursor, 1);
        return 'changed';
      case 'left':
      case 'C-b':
        this.cursor = Math.max(0, this.cursor - 1);
        return 'moved';
      case 'right':
      case 'C-f':
        this.cursor = Math.min(this.chars.length, this.cursor + 1);
        return 'moved';
      case 'home':
      case 'C-a':
        this.cursor = 0;
        return 'moved';
      case 'end':
      case 'C-e':
        this.cursor = this.chars.length;
        return 'moved';
      case 'C-u':
        this.chars.splice(0, this.cursor);
        this.cursor = 0;
        return 'changed';
      case 'C-k':
        this.chars.splice(this.cursor);
        return 'changed';
      case 'C-w': {
        let from = this.cursor;
        while (from > 0 && this.chars[from - 1] === ' ') from--;
        while (from > 0 && this.chars[from - 1] !== ' ') from--;
        this.chars.splice(from, this.cursor - from);
        this.cursor = from;
        return 'changed';
      }
      default: {
        const text = ch ?? (name === 'space' ? ' ' : name.length === 1 ? name : '');
        if (text === '' || /[\x00-\x1f\x7f]/.test(text)) return false;
        this.chars.splice(this.cursor, 0, ...text);
        this.cursor += [...text].length;
        return 'changed';
      }
    }
  }

  /** The text with a visible cursor (an inverse cell), cut to fit `width` around the cursor. */
  render(width: number): string {
    const text = this.chars.map((c) => cleanText(c));
    let start = 0;
    // Keep the cursor in view: drop characters from the left until it fits.
    while (start < this.cursor && displayWidth(text.slice(start, this.cursor + 1).join('')) > width - 1) start++;
    let out = '';
    let used = 0;
    for (let i = start; i <= text.length; i++) {
      const ch = i < text.length ? (text[i] as string) : ' ';
      const w = Math.max(1, displayWidth(ch));
      if (used + w > width) break;
      out += i === this.cursor ? `{inverse}${escapeTags(ch)}{/inverse}` : escapeTags(ch);
      used += w;
    }
    return out;
  }
}
