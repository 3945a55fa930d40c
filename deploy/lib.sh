# Shared by the deploy scripts: where things live, and small process helpers.
# Everything the local services write goes under $INGEST_VAR (default: var/ in the repo, git-ignored):
#   var/cache  downloads (Elasticsearch zip), kept between runs
#   var/log    one log file per service
#   var/run    pid files
#   var/es     the unpacked Elasticsearch and its data
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=versions.env
source "$REPO_ROOT/deploy/versions.env"
INGEST_VAR="${INGEST_VAR:-$REPO_ROOT/var}"
CACHE_DIR="$INGEST_VAR/cache"
LOG_DIR="$INGEST_VAR/log"
RUN_DIR="$INGEST_VAR/run"
VENV="${INGEST_VENV:-$REPO_ROOT/.venv}"
mkdir -p "$CACHE_DIR" "$LOG_DIR" "$RUN_DIR"

log() { printf '[%s] %s\n' "$(basename "$0" .sh)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# proc_alive PID [PATTERN]: true when PID is a live process (not a zombie: `kill -0` succeeds on a dead
# process nobody has reaped yet) and, given PATTERN, its command line matches it (a pid the system handed
# to another program after ours died is not ours).
proc_alive() {
  local pid="$1" pattern="${2:-}" state cmdline
  [[ "$pid" =~ ^[0-9]+$ && -r "/proc/$pid/stat" ]] || return 1
  # Field 3 of /proc/PID/stat is the state; the command name before it may hold spaces, so cut after ')'.
  state="$(sed -e 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1)" || return 1
  [[ -n "$state" && "$state" != Z && "$state" != X && "$state" != x ]] || return 1
  [[ -z "$pattern" ]] && return 0
  cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmdline" == *$pattern* ]]
}

# pid_alive FILE [PATTERN]: true when FILE names a live process (whose command line matches PATTERN).
pid_alive() {
  [[ -f "$1" ]] && proc_alive "$(cat "$1")" "${2:-}"
}

# stop_pid FILE NAME [PATTERN]: TERM, wait up to 30 s, then KILL (only a live process matching PATTERN).
stop_pid() {
  local file="$1" name="$2" pattern="${3:-}" pid
  if ! pid_alive "$file" "$pattern"; then rm -f "$file"; log "$name not running"; return 0; fi
  pid="$(cat "$file")"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do proc_alive "$pid" || break; sleep 0.5; done
  proc_alive "$pid" && kill -9 "$pid" 2>/dev/null || true
  rm -f "$file"
  log "$name stopped"
}

# wait_for DESCRIPTION SECONDS COMMAND...: poll COMMAND until it succeeds.
wait_for() {
  local what="$1" limit="$2"; shift 2
  local deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    (( SECONDS < deadline )) || return 1
    sleep 1
  done
  log "$what is up"
}

# find_jdk TOOL: the home of a JDK 21+ that has bin/TOOL (java to run, javac to build): ES_JAVA_HOME if it
# fits, else the first one found under /usr/lib/jvm (Temurin first: Debian's default JDK may be older).
find_jdk() {
  local tool="${1:-java}" jdk ver
  for jdk in ${ES_JAVA_HOME:-} /usr/lib/jvm/temurin-*-jdk* /usr/lib/jvm/java-2[1-9]-* /usr/lib/jvm/java-[3-9][0-9]-*; do
    [[ -x "$jdk/bin/$tool" ]] || continue
    ver="$("$jdk/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')"
    if [[ "${ver%%.*}" -ge 21 ]]; then echo "$jdk"; return; fi
  done
  die "a JDK 21+ with $tool is needed; none found under /usr/lib/jvm (set ES_JAVA_HOME)"
}

# apt_install PKG...: install Debian packages that are missing (root only; otherwise say what to install).
apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  (( ${#missing[@]} )) || return 0
  if [[ $(id -u) -ne 0 ]]; then die "missing Debian packages: ${missing[*]} (install them with apt-get as root)"; fi
  log "installing ${missing[*]}"
  local stamp="$CACHE_DIR/apt-updated"
  if [[ ! -f "$stamp" || -n "$(find "$stamp" -mmin +1440 2>/dev/null)" ]]; then
    apt-get update -qq && touch "$stamp"
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$LOG_DIR/apt.log" 2>&1 \
    || die "apt-get install ${missing[*]} failed (see $LOG_DIR/apt.log)"
}
