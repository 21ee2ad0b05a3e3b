// Placeholder until `remora strace` lands.
import { RemoraError } from '../../core/errors.js';

export async function straceCommand(..._args: unknown[]): Promise<number> {
  throw new RemoraError('OPERATION_FAILED', 'remora strace is not available yet');
}
