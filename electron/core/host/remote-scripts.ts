/**
 * The fixed POSIX `sh` scripts the SSH host runs on the server, each as `sh -c SCRIPT crucible-secrets ARGS…`.
 * Paths and values arrive as positional parameters and are never interpolated into the script text; content
 * arrives on stdin. The servers are Linux with GNU coreutils (stat -c, dd iflag=nofollow, chown --reference).
 * Exit statuses 10-21 are the scripts' own answers (see ScriptExit).
 */

/** Exit statuses with a meaning; anything else is a failure explained by the script's stderr. */
export const ScriptExit = {
  NotFound: 10,
  Symlink: 11,
  TooLarge: 12,
  Changed: 13,
  Folder: 14,
  Special: 15,
  KeepFailed: 16,
  TempFailed: 20,
  Incomplete: 21,
} as const;

/** The $0 of every script: it names us in the server's error messages. */
export const SCRIPT_NAME = 'crucible-secrets';

/**
 * Runs a command: `$1` the folder, then profile variable names to unset, `--`, NAME=value pairs to export,
 * `--`, the argv. The remote login environment could export a stale POSTGRES_PASSWORD as easily as ours.
 */
export const RUN_SCRIPT = `cd -- "$1" || exit 127
shift
for n in $(env | sed -n 's/^\\(ROUNDTABLE_[A-Za-z0-9_]*\\)=.*/\\1/p'); do unset "$n"; done
while [ "$#" -gt 0 ] && [ "$1" != -- ]; do unset "$1"; shift; done
shift
while [ "$#" -gt 0 ] && [ "$1" != -- ]; do export "$1"; shift; done
shift
exec "$@"`;

/** lstat of `$1`: `rawmode-hex|size|uid|gid|mtime-seconds|mtime-text`, or exit 10 when absent. */
export const STAT_SCRIPT = `export LC_ALL=C
if [ -e "$1" ] || [ -L "$1" ]; then exec stat -c '%f|%s|%u|%g|%Y|%y' -- "$1"; fi
exit 10`;

/**
 * Prints regular file $1 if it holds at most $2 bytes. Checked before reading, then opened without
 * following a link and without blocking (a FIFO swapped in cannot hang us); one byte past the cap is read so
 * a file that grew in between is noticed.
 */
export const READ_SCRIPT = `export LC_ALL=C
p=$1; max=$2
if [ -L "$p" ]; then exit 11; fi
[ -e "$p" ] || exit 10
if [ -d "$p" ]; then exit 14; fi
[ -f "$p" ] || exit 15
size=$(stat -c %s -- "$p") || exit 1
[ "$size" -le "$max" ] || exit 12
exec dd if="$p" iflag=nofollow,nonblock,count_bytes count=$((max + 1)) bs=65536 status=none`;

/** Names in folder `$1`, NUL-separated (a name may hold a newline). */
export const LIST_SCRIPT = `export LC_ALL=C
[ -e "$1" ] || exit 10
[ -d "$1" ] || exit 14
exec find -H "$1" -mindepth 1 -maxdepth 1 -printf '%f\\0'`;

/**
 * Atomic replacement of $1 with stdin. Arguments: path, mode (octal), folder for the previous version
 * (empty: none), byte count of the new content, name for the kept copy. Stdin starts with two lines, the
 * expected SHA-256 of the current file ('-': no check, 'absent': must not exist) and the SHA-256 of the new
 * content, then the content: hashes of a `.env` stay out of argv, where `ps` would show them to every user
 * of the server (a hash of a file with one weak password in it can be guessed offline).
 * The temp file is removed by the trap whatever happens; if even the trap could not run (the server lost
 * power), the next write removes it. A lost connection ends stdin early: the size check fails and the old
 * file stays. Prints where the previous version was kept.
 */
export const WRITE_SCRIPT = `export LC_ALL=C
p=$1 mode=$2 keep=$3 size=$4 keptname=$5
# sh's read takes a pipe byte by byte, so the content that follows is left whole for dd.
IFS= read -r expect || exit 21
IFS= read -r sum || exit 21
d=$(dirname -- "$p")
umask 077
find "$d" -maxdepth 1 -type f -name '.crucible-secrets-tmp.*' -user "$(id -u)" -mmin +2 -exec rm -f -- {} + 2>/dev/null
if [ -L "$p" ]; then exit 11; fi
exists=0
if [ -e "$p" ]; then
  if [ -d "$p" ]; then exit 14; fi
  [ -f "$p" ] || exit 15
  exists=1
fi
case $expect in
  -) ;;
  absent) [ "$exists" = 0 ] || exit 13 ;;
  *) [ "$exists" = 1 ] || exit 13
     now=$(sha256sum < "$p") || exit 1
     [ "\${now%% *}" = "$expect" ] || exit 13 ;;
esac
tmp=$(mktemp "$d/.crucible-secrets-tmp.XXXXXXXXXX") || exit 20
trap 'rm -f -- "$tmp"' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 141' PIPE
trap 'exit 143' TERM
dd of="$tmp" bs=65536 conv=fsync status=none || exit 21
[ "$(stat -c %s -- "$tmp")" = "$size" ] || exit 21
got=$(sha256sum < "$tmp") || exit 1
[ "\${got%% *}" = "$sum" ] || exit 21
if [ "$exists" = 1 ]; then chown --reference="$p" -- "$tmp" 2>/dev/null || :; fi
chmod "$mode" "$tmp" || exit 1
kept=
if [ "$exists" = 1 ] && [ -n "$keep" ]; then
  if [ -L "$keep" ]; then exit 16; fi
  if [ ! -d "$keep" ]; then mkdir -p -- "$keep" || exit 16; chmod 700 "$keep" || exit 16; fi
  kept=$keep/$keptname
  i=0
  while [ -e "$kept" ] || [ -L "$kept" ]; do i=$((i + 1)); kept=$keep/$keptname-$i; done
  cp -- "$p" "$kept" || exit 16
  chmod 600 "$kept" || exit 16
  sync -- "$kept" 2>/dev/null || :
fi
mv -f -- "$tmp" "$p" || exit 1
sync -- "$d" 2>/dev/null || :
printf '%s' "$kept"`;
