// Placeholder until `remora proc` lands.
import { RemoraError } from '../../core/errors.js';

export async function procCommand(..._args: unknown[]): Promise<number> {
  throw new RemoraError('OPERATION_FAILED', 'remora proc is not available yet');
}
