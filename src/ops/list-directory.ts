// Lists a directory of the target for the Files view in one exec round trip: the path is
// resolved by the kernel inside the target's root (remora-fs realpath: `..` stops at its
// `/`, symlinks are followed inside it), then `find` reads the entries and the target's
// own passwd/group files come along so owners get the target's names.
import { parseDirectoryListing, type ParsedListing } from '../core/directory-listing.js';
import type { ToolkitSession } from '../session/toolkit-session.js';
import { FS_HELPER, helperFailure } from './fs-helper.js';
import { scriptExec } from './toolkit-script.js';

// $1 root, $2 path. find -P never follows the entries' symlinks; `cd` goes through the
// already-resolved name, so nothing of the target is interpreted by the toolkit's root.
const LIST_SCRIPT = `
fs=${FS_HELPER}
[ -x "$fs" ] || { echo "remora: $fs is missing from the toolkit image" >&2; exit 127; }
dir=$("$fs" realpath "$1" "$2") || exit $?
if [ ! -d "$1$dir" ]; then printf 'N\\0%s\\0' "$dir"; exit 0; fi
cd "$1$dir" || exit 3
printf 'D\\0%s\\0' "$dir"
find . -mindepth 1 -maxdepth 1 -printf 'E\\0%P\\0%y\\0%s\\0%m\\0%U\\0%G\\0%T@\\0%l\\0' 2>/dev/null
for pair in P:passwd G:group; do
  printf '%s\\0' "\${pair%%:*}"
  "$fs" read -L -a "$1" "/etc/\${pair#*:}" 2>/dev/null | base64 -w0
  printf '\\0'
done
`.trim();

/** Lists `path` (absolute, inside the target); a path that is not a directory comes back with notDirectory. */
export async function listDirectory(session: ToolkitSession, path: string, signal?: AbortSignal): Promise<ParsedListing> {
  const { cmd, env } = scriptExec('remora-ls', LIST_SCRIPT, [session.targetRoot, path]);
  const result = await session.run(cmd, { env, signal });
  if (result.exitCode !== 0)
    throw await helperFailure(result.exitCode, result.stderr, { session, targetName: session.target.name, direction: 'read', path });
  return parseDirectoryListing(result.stdout);
}
