// Placeholder until `remora net` lands.
import { RemoraError } from '../../core/errors.js';

export async function netCommand(..._args: unknown[]): Promise<number> {
  throw new RemoraError('OPERATION_FAILED', 'remora net is not available yet');
}
