// Builds the Engine for the endpoint the user means (flags, env, docker contexts).
import { defaultEndpointInputs, resolveEndpoint } from './endpoint.js';
import { DockerEngine } from './docker-engine.js';

export function createEngine(flags: { context?: string; host?: string }): DockerEngine {
  return new DockerEngine(resolveEndpoint(defaultEndpointInputs(flags)));
}
