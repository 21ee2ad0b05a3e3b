// Lists a directory of the target for the Files view in one exec round trip: the path is
// resolved by the kernel inside the target's root (remora-fs realpath: `..` stops at its
// `/`, symlinks are followed inside it), then `find` reads the entries and the target's
// own passwd/group files come along so owners get the target's names
// (toolkit-scripts/list-directory.sh).
import { parseDirectoryListing, type ParsedListing } from '../core/directory-listing.js';
import type { ToolkitSession } from '../session/toolkit-session.js';
import { scriptExec } from '../toolkit-scripts/scripts.js';
import { helperFailure } from './fs-helper.js';

/** Lists `path` (absolute, inside the target); a path that is not a directory comes back with notDirectory. */
export async function listDirectory(session: ToolkitSession, path: string, signal?: AbortSignal): Promise<ParsedListing> {
  const { cmd, env } = scriptExec('list-directory', [session.targetRoot, path]);
  const result = await session.run(cmd, { env, signal });
  if (result.exitCode !== 0)
    throw await helperFailure(result.exitCode, result.stderr, { session, targetName: session.target.name, direction: 'read', path });
  return parseDirectoryListing(result.stdout);
}
