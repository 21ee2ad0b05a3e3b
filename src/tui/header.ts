// The top of the screen: the target and where it runs (name, image, state, uptime, main
// process user, profile, engine address), the tab bar, and the banner shown when the target
// stops or the engine goes away. Pure.
import type { TargetHeader } from './data-source.js';
import { VIEW_TITLES, VIEWS, type ViewId } from './keymap.js';
import { formatDuration } from '../core/duration.js';
import { describePostMortem } from '../core/post-mortem.js';
import { cleanText, displayWidth, escapeTags, fit } from './text.js';
import type { Theme } from './theme.js';

/** Up-time without seconds past the first minute, so the header changes rarely when idle. */
export function formatUptime(startedAt: string, nowMs: number): string {
  const started = Date.parse(startedAt);
  if (!Number.isFinite(started) || started <= 0) return '';
  const seconds = Math.max(0, (nowMs - started) / 1000);
  return seconds < 60 ? formatDuration(seconds) : formatDuration(Math.floor(seconds / 60) * 60).replace(/ 0s$/, '');
}

/** Label/value pairs joined until the width is used; the rest is dropped, never wrapped. */
function pairs(items: Array<[string, string]>, width: number, theme: Theme): string {
  let used = 0;
  const out: string[] = [];
  for (const [label, value] of items) {
    if (!value) continue;
    const text = `${label ? `${label} ` : ''}${cleanText(value)}`;
    const need = displayWidth(text) + (out.length ? 2 : 0);
    if (used + need > width) {
      const room = width - used - (out.length ? 2 : 0) - (label ? displayWidth(label) + 1 : 0);
      if (room >= 8) out.push((label ? theme.paint('dim', label) + ' ' : '') + escapeTags(fit(cleanText(value), room)));
      break;
    }
    out.push((label ? theme.paint('dim', label) + ' ' : '') + escapeTags(cleanText(value)));
    used += need;
  }
  return out.join('  ');
}

export function headerLines(summary: TargetHeader, nowMs: number, width: number, theme: Theme): string[] {
  // A stand-in runs while the target does not: the header says what the user looks at.
  const postMortem = summary.postMortem !== undefined && summary.state === 'running';
  const uptime = summary.state === 'running' && !postMortem ? formatUptime(summary.startedAt, nowMs) : '';
  const stateStyle = postMortem ? 'warning' : summary.state === 'running' ? 'good' : summary.state === 'paused' ? 'warning' : 'error';
  const name = fit(cleanText(summary.name), Math.min(displayWidth(cleanText(summary.name)), Math.max(8, width - 30)));
  const nameWidth = displayWidth(`remora ▸ ${name}  `);
  const described = summary.postMortem ? cleanText(describePostMortem(summary.postMortem, nowMs)) : '';
  const room = Math.max(8, width - nameWidth);
  const stateText = postMortem ? (displayWidth(described) > room ? fit(described, room) : described) : summary.state;
  const first = `${theme.paint('title', `remora ▸ ${name}`)}  ${theme.paint(stateStyle, escapeTags(stateText))}${uptime ? ` ${theme.paint('dim', 'up')} ${uptime}` : ''}`;
  const firstWidth = displayWidth(`remora ▸ ${name}  ${stateText}${uptime ? ` up ${uptime}` : ''}`);
  const image = pairs([['image', summary.image]], Math.max(0, width - firstWidth - 2), theme);
  const second = pairs(
    [
      ['user', summary.user],
      ['profile', summary.profile],
      ['engine', summary.engine],
    ],
    width,
    theme,
  );
  return [image ? `${first}  ${image}` : first, second];
}

/** " 1 Processes  2 Files ..." with the current view marked, then `extra` (plain text); shortened titles when narrow. */
export function tabBar(current: ViewId, width: number, theme: Theme, extra = ''): string {
  const full = VIEWS.map((v, i) => ` ${i + 1} ${VIEW_TITLES[v]} `);
  const short = VIEWS.map((v, i) => ` ${i + 1} ${VIEW_TITLES[v].slice(0, 4)} `);
  const labels = full.join('').length + displayWidth(extra) + 1 <= width ? full : short;
  const tabs = labels.map((label, i) => theme.paint(VIEWS[i] === current ? 'tabActive' : 'tab', label)).join('');
  return extra ? `${tabs} ${theme.paint('good', fit(extra, Math.max(0, width - displayWidth(labels.join('')) - 1)))}` : tabs;
}

export function bannerLine(text: string, width: number, theme: Theme): string {
  return theme.paint('banner', fit(` ${cleanText(text)}`, width));
}
