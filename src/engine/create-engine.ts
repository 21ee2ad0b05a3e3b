// Builds the Engine for the endpoint the user means (flags, env, docker contexts).
import { parseDuration } from '../core/duration.js';
import { RemoraError } from '../core/errors.js';
import { parseLabelList } from '../core/labels.js';
import { DockerEngine } from './docker-engine.js';
import { defaultEndpointInputs, resolveEndpoint, type EndpointFlags } from './endpoint.js';

export function createEngine(flags: EndpointFlags, env: NodeJS.ProcessEnv = process.env): DockerEngine {
  return new DockerEngine(resolveEndpoint(defaultEndpointInputs(flags)), {
    firstAnswerTimeoutMs: firstAnswerTimeout(env),
    labels: parseLabelList(env.REMORA_LABELS),
  });
}

/** REMORA_ENGINE_TIMEOUT: how long the engine may take to give its first answer. */
function firstAnswerTimeout(env: NodeJS.ProcessEnv): number | undefined {
  const text = env.REMORA_ENGINE_TIMEOUT;
  if (text === undefined || text.trim() === '') return undefined;
  let seconds: number;
  try {
    seconds = parseDuration(text);
  } catch {
    seconds = Number.NaN;
  }
  if (!(seconds > 0))
    throw new RemoraError('USAGE', `REMORA_ENGINE_TIMEOUT="${text}" is not a duration`, { hint: 'write it like 10s or 1m' });
  return seconds * 1000;
}
