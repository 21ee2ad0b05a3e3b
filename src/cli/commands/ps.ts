// Placeholder until `remora ps` lands.
import { RemoraError } from '../../core/errors.js';

export async function psCommand(..._args: unknown[]): Promise<number> {
  throw new RemoraError('OPERATION_FAILED', 'remora ps is not available yet');
}
