// Transitional: the options a command's handler received before each command typed its own.
import type { SessionOptions } from './option-groups.js';

export type GlobalOptions = SessionOptions;

export { DEFAULT_IDLE } from './option-groups.js';

// The one duration syntax, shared with the engine's timeout (REMORA_ENGINE_TIMEOUT).
export { parseDuration } from '../core/duration.js';
