#!/usr/bin/env bash
# Local single-node Elasticsearch from the Maven Central integ-test-zip.
# usage: deploy/es.sh up|down|status
source "$(dirname "$0")/lib.sh"

ES_PORT="${INGEST_ES_PORT:-9200}"
ES_URL="http://127.0.0.1:$ES_PORT"
ES_ARTIFACT="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip"
ES_ZIP="$CACHE_DIR/elasticsearch-$ES_VERSION.zip"
# Elasticsearch refuses to run as root; as root we run it as this service user.
# (INGEST_ES_USER is the client's login: the system account has a name of its own.)
ES_USER="${INGEST_ES_SYSTEM_USER:-ingest-es}"
ES_BASE="$INGEST_VAR/es"
if [[ $(id -u) -eq 0 ]] && ! runuser -u nobody -- test -x "$INGEST_VAR" 2>/dev/null; then
  # The service user cannot reach a checkout under a private folder: keep Elasticsearch beside the system's.
  ES_BASE="/var/lib/ingest-es/$(printf '%s' "$INGEST_VAR" | sha256sum | cut -c1-12)"
fi
ES_HOME="$ES_BASE/elasticsearch-$ES_VERSION"
ES_DATA="$ES_BASE/data"
ES_LOGS="$ES_BASE/logs"
ES_PID="$ES_BASE/elasticsearch.pid"

healthy() { curl -fsS "$ES_URL/_cluster/health?wait_for_status=yellow&timeout=1s" >/dev/null 2>&1; }

fetch_zip() {
  [[ -s "$ES_ZIP" ]] && return
  command -v mvn >/dev/null || die "maven (mvn) is needed to fetch $ES_ARTIFACT"
  log "fetching $ES_ARTIFACT from Maven Central"
  mvn -q -B dependency:copy -Dartifact="$ES_ARTIFACT" -DoutputDirectory="$CACHE_DIR" -Dmdep.overWriteIfNewer=true \
    >"$LOG_DIR/es-fetch.log" 2>&1 || die "could not fetch $ES_ARTIFACT (see $LOG_DIR/es-fetch.log)"
}

unpack() {
  [[ -x "$ES_HOME/bin/elasticsearch" ]] && return
  log "unpacking Elasticsearch $ES_VERSION"
  mkdir -p "$ES_BASE"
  rm -rf "$ES_HOME.tmp" && mkdir -p "$ES_HOME.tmp"
  (cd "$ES_HOME.tmp" && unzip -q "$ES_ZIP")
  mv "$ES_HOME.tmp/elasticsearch-$ES_VERSION" "$ES_HOME" && rmdir "$ES_HOME.tmp"
}

configure() {
  mkdir -p "$ES_DATA" "$ES_LOGS"
  cat >"$ES_HOME/config/elasticsearch.yml" <<YML
cluster.name: ingest-local
node.name: local
network.host: 127.0.0.1
http.port: $ES_PORT
transport.port: $((ES_PORT + 100))
discovery.type: single-node
path.data: $ES_DATA
path.logs: $ES_LOGS
# Local development only: no TLS, no authentication.
xpack.security.enabled: false
# A fuller disk must not block shard allocation on the local node.
cluster.routing.allocation.disk.threshold_enabled: false
action.destructive_requires_name: false
YML
  printf -- '-Xms%s\n-Xmx%s\n' "$ES_HEAP" "$ES_HEAP" >"$ES_HOME/config/jvm.options.d/heap.options"
}

run_as_user() {
  if [[ $(id -u) -ne 0 ]]; then "$@"; return; fi
  id "$ES_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$ES_USER"
  chown -R "$ES_USER" "$ES_HOME" "$ES_DATA" "$ES_LOGS"
  chown "$ES_USER" "$ES_BASE"
  runuser -u "$ES_USER" -- "$@"
}

install_plugins() {
  # The project's analysis plugin (deploy/es-plugin) is built and installed before the node starts.
  local hook="$REPO_ROOT/deploy/es-plugin/install.sh"
  if [[ -x "$hook" ]]; then ES_HOME="$ES_HOME" "$hook" || die "the analysis plugin could not be built or installed"; fi
}

up() {
  if healthy; then log "Elasticsearch already up at $ES_URL"; return; fi
  pid_alive "$ES_PID" elasticsearch && { wait_for Elasticsearch 120 healthy && return; die "Elasticsearch (pid $(cat "$ES_PID")) is running but not healthy"; }
  local java; java="$(find_jdk java)"
  fetch_zip; unpack; configure; install_plugins
  log "starting Elasticsearch $ES_VERSION on $ES_URL (heap $ES_HEAP, java $java)"
  run_as_user env ES_JAVA_HOME="$java" ES_PATH_CONF="$ES_HOME/config" \
    "$ES_HOME/bin/elasticsearch" -d -p "$ES_PID" >"$LOG_DIR/elasticsearch.out" 2>&1 \
    || die "Elasticsearch failed to start (see $LOG_DIR/elasticsearch.out and $ES_LOGS/)"
  wait_for Elasticsearch 180 healthy || die "Elasticsearch did not become healthy in 180 s (see $ES_LOGS/)"
}

status() {
  if healthy; then log "Elasticsearch up at $ES_URL"; else log "Elasticsearch down at $ES_URL"; return 1; fi
}

case "${1:-}" in
  up) up ;;
  down) stop_pid "$ES_PID" Elasticsearch elasticsearch ;;
  status) status ;;
  home) echo "$ES_HOME" ;;
  *) echo "usage: $0 up|down|status|home" >&2; exit 2 ;;
esac
