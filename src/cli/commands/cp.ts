// Placeholder until `remora cp` lands.
import { RemoraError } from '../../core/errors.js';

export async function cpCommand(..._args: unknown[]): Promise<number> {
  throw new RemoraError('OPERATION_FAILED', 'remora cp is not available yet');
}
