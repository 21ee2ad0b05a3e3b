// Finds the container a user means, from one listing of all containers: a name, a full or
// short ID, a unique ID prefix, or a compose service (`service` or `project/service`).
// Pure: the caller lists containers; this decides, and explains failures in one line.
import { RemoraError } from './errors.js';
import { LABEL } from './labels.js';

/**
 * The fields of a listing row that resolution reads: the engine's ContainerSummary is
 * passed (and returned) as it is; core names only what it needs of it.
 */
export interface TargetCandidate {
  id: string;
  name: string;
  image: string;
  state: string;
  status: string;
  labels: Record<string, string>;
}

const COMPOSE_PROJECT = 'com.docker.compose.project';
const COMPOSE_SERVICE = 'com.docker.compose.service';

/** Picks the one container `query` names, or throws a RemoraError (exit 3) that says why not. */
export function resolveTarget<T extends TargetCandidate>(query: string, containers: T[], options: { allowStopped?: boolean } = {}): T {
  const candidates = containers.filter((c) => c.labels[LABEL.role] === undefined);
  const match = findMatch(query, candidates);
  if (!options.allowStopped && match.state !== 'running' && match.state !== 'paused') throw explainNotUsable(match);
  return match;
}

function findMatch<T extends TargetCandidate>(query: string, candidates: T[]): T {
  const wanted = query.replace(/^\//, '');
  if (wanted.length === 0) throw new RemoraError('USAGE', 'the target is empty', { hint: 'name a container: remora targets lists them' });

  // The docker CLI's order: full ID, exact name, then ID prefix. Compose names come last
  // because a real container name always wins over a label.
  const byId = candidates.find((c) => c.id === wanted);
  if (byId) return byId;
  const byName = candidates.find((c) => c.name === wanted);
  if (byName) return byName;

  if (/^[0-9a-f]+$/i.test(wanted)) {
    const byPrefix = candidates.filter((c) => c.id.startsWith(wanted.toLowerCase()));
    if (byPrefix.length === 1) return byPrefix[0]!;
    if (byPrefix.length > 1) throw ambiguous(wanted, byPrefix, 'ID prefix');
  }

  const byService = matchComposeService(wanted, candidates);
  if (byService.length === 1) return byService[0]!;
  if (byService.length > 1) {
    // Several replicas: prefer the running ones before calling it ambiguous.
    const running = byService.filter((c) => c.state === 'running');
    if (running.length === 1) return running[0]!;
    throw ambiguous(wanted, byService, 'compose service');
  }

  throw notFound(wanted, candidates);
}

function matchComposeService<T extends TargetCandidate>(wanted: string, candidates: T[]): T[] {
  const slash = wanted.indexOf('/');
  const project = slash >= 0 ? wanted.slice(0, slash) : undefined;
  const service = slash >= 0 ? wanted.slice(slash + 1) : wanted;
  return candidates.filter(
    (c) => c.labels[COMPOSE_SERVICE] === service && (project === undefined || c.labels[COMPOSE_PROJECT] === project),
  );
}

/** Why a container that is not running cannot be joined, in one line and a hint. */
export function explainNotUsable(target: TargetCandidate): RemoraError {
  switch (target.state) {
    case 'restarting':
      return new RemoraError('TARGET_NOT_RUNNING', `${target.name} is restarting (crash loop: ${target.status})`, {
        hint: `trace a run from its first instruction with \`remora strace --from-start ${target.name}\`; see why with \`docker logs ${target.name}\`; stop the restarts with \`docker update --restart=no ${target.name}\``,
      });
    case 'created':
      return new RemoraError('TARGET_NOT_RUNNING', `${target.name} was created but never started`, {
        hint: `start it with \`docker start ${target.name}\``,
      });
    case 'exited':
    case 'dead':
      return new RemoraError('TARGET_NOT_RUNNING', `${target.name} is not running (${target.status})`, {
        hint: `start it with \`docker start ${target.name}\`, or read what it left with \`docker logs ${target.name}\``,
      });
    default:
      return new RemoraError('TARGET_NOT_RUNNING', `${target.name} is ${target.state}`, { hint: 'wait for it to run, then try again' });
  }
}

function ambiguous(wanted: string, matches: TargetCandidate[], kind: string): RemoraError {
  return new RemoraError('TARGET_AMBIGUOUS', `"${wanted}" matches ${matches.length} containers by ${kind}`, {
    hint: 'name one by its full name or a longer ID',
    details: matches.map((c) => `${c.id.slice(0, 12)}  ${c.name}  ${c.image}  ${c.status}`),
  });
}

function notFound(wanted: string, candidates: TargetCandidate[]): RemoraError {
  const suggestions = closestNames(
    wanted,
    candidates.filter((c) => c.state === 'running').map((c) => c.name),
    3,
  );
  return new RemoraError('TARGET_NOT_FOUND', `no container named "${wanted}"`, {
    hint: suggestions.length
      ? `did you mean ${suggestions.map((s) => `"${s}"`).join(', ')}? (remora targets lists them)`
      : 'remora targets lists the running containers',
  });
}

/** Names closest to `wanted`, by substring first and then edit distance; at most `limit`. */
export function closestNames(wanted: string, names: string[], limit: number): string[] {
  const scored = names.map((name) => {
    const contains = name.includes(wanted) || wanted.includes(name);
    const distance = editDistance(wanted.toLowerCase(), name.toLowerCase());
    return { name, score: contains ? -1 : distance };
  });
  const threshold = Math.max(2, Math.floor(wanted.length / 2));
  return scored
    .filter((s) => s.score <= threshold)
    .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name))
    .slice(0, limit)
    .map((s) => s.name);
}

export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}
