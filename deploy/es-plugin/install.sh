#!/usr/bin/env bash
# Build the zh-analysis Elasticsearch plugin when its sources changed, and install it into $ES_HOME
# when that Elasticsearch does not already hold the same build. Idempotent; a no-op in well under a
# second when nothing changed. Run it while that Elasticsearch is stopped (deploy/es.sh up does so).
#
# usage: ES_HOME=path/to/elasticsearch deploy/es-plugin/install.sh   build if stale, then install
#        deploy/es-plugin/install.sh build                            build if stale, print the zip path
#
# Versions come from deploy/versions.env; the build needs Maven and a JDK 21+ (ES_JAVA_HOME, or the
# newest-found Temurin/OpenJDK 21+ under /usr/lib/jvm). Build output stays in deploy/es-plugin/target.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../lib.sh
source "$HERE/../lib.sh"  # versions, find_jdk

NAME=zh-analysis
TARGET="$HERE/target"
ZIP="$TARGET/$NAME-$ZH_PLUGIN_VERSION.zip"
STAGE="$TARGET/plugin"   # the zip unpacked: what an install puts under plugins/$NAME
BUILD_LOG="$TARGET/build.log"

log() { printf '[es-plugin] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

stale() {
  [[ -s "$ZIP" && -d "$STAGE" ]] || return 0
  [[ -n "$(find "$HERE/pom.xml" "$HERE/src" "$HERE/../versions.env" -newer "$ZIP" -print -quit)" ]]
}

build() {
  stale || return 0
  command -v mvn >/dev/null || die "Maven (mvn) is needed to build the plugin"
  local jdk; jdk="$(find_jdk javac)"
  local args=(-B -q package
    -Drevision="$ZH_PLUGIN_VERSION" -Des.version="$ES_VERSION"
    -Dlucene.version="$LUCENE_VERSION" -Dsmartcn.version="$SMARTCN_VERSION")
  mkdir -p "$TARGET"
  log "building $NAME $ZH_PLUGIN_VERSION for Elasticsearch $ES_VERSION (Lucene $LUCENE_VERSION)"
  # Offline first: once Maven's cache holds the dependencies this needs no network and is faster.
  (cd "$HERE" && JAVA_HOME="$jdk" mvn -o "${args[@]}" >"$BUILD_LOG" 2>&1) \
    || (cd "$HERE" && JAVA_HOME="$jdk" mvn "${args[@]}" >"$BUILD_LOG" 2>&1) \
    || die "Maven build failed (see $BUILD_LOG)"
  [[ -s "$ZIP" ]] || die "the build did not produce $ZIP (see $BUILD_LOG)"
  rm -rf "$STAGE" && mkdir -p "$STAGE" && (cd "$STAGE" && unzip -q "$ZIP")
  touch "$ZIP"
}

# installed: true when $ES_HOME holds exactly this build (the installer adds only named_components.json).
installed() {
  local dir="$ES_HOME/plugins/$NAME" f
  [[ -d "$dir" ]] || return 1
  for f in "$STAGE"/*; do
    cmp -s "$f" "$dir/$(basename "$f")" || return 1
  done
}

install() {
  [[ -n "${ES_HOME:-}" ]] || die "set ES_HOME to the Elasticsearch to install into"
  [[ -x "$ES_HOME/bin/elasticsearch-plugin" ]] || die "no bin/elasticsearch-plugin under ES_HOME=$ES_HOME"
  build
  if installed; then log "$NAME $ZH_PLUGIN_VERSION already installed"; return 0; fi
  local cli="$ES_HOME/bin/elasticsearch-plugin" jdk; jdk="$(find_jdk)"
  if [[ -d "$ES_HOME/plugins/$NAME" ]]; then
    log "replacing the installed $NAME with this build"
    ES_JAVA_HOME="$jdk" "$cli" remove --purge "$NAME" >&2 || die "could not remove the installed $NAME"
  fi
  log "installing $NAME $ZH_PLUGIN_VERSION into $ES_HOME"
  # The installer scans the jars for @NamedComponent classes to write named_components.json; with the
  # CLI's default 64 MB heap that scan of the smartcn jar runs out of memory.
  CLI_JAVA_OPTS="-Xmx256m ${CLI_JAVA_OPTS:-}" ES_JAVA_HOME="$jdk" ES_PATH_CONF="$ES_HOME/config" \
    "$cli" install --batch "file://$ZIP" >&2 \
    || die "bin/elasticsearch-plugin install failed"
}

case "${1:-install}" in
  install) install ;;
  build) build; echo "$ZIP" ;;
  *) echo "usage: ES_HOME=... $0 [install] | $0 build" >&2; exit 2 ;;
esac
