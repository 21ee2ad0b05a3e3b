// Output for humans (aligned tables) and for scripts (JSON). No logic here. Cells may come
// from the target, so every one is made terminal-safe (core/target-text.ts).
import { formatTable } from '../core/text-table.js';
import { jsonSafe } from '../core/target-text.js';

export function printJson(value: unknown): void {
  process.stdout.write(`${jsonSafe(JSON.stringify(value, null, 2))}\n`);
}

export function printTable(headers: string[], rows: string[][]): void {
  process.stdout.write(formatTable(headers, rows));
}
