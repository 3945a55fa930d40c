#!/usr/bin/env bash
# The search service (`ingest serve`: HTTP API and search page) as a background process.
# usage: deploy/serve.sh up|down|status|url
#   INGEST_SERVE_HOST (127.0.0.1) and INGEST_SERVE_PORT (8080) say where it listens.
source "$(dirname "$0")/lib.sh"

HOST="${INGEST_SERVE_HOST:-127.0.0.1}"
PORT="${INGEST_SERVE_PORT:-8080}"
SERVE_PID="$RUN_DIR/serve.pid"
URL="http://$HOST:$PORT/"
healthy() { curl -s -o /dev/null -w '%{http_code}' "${URL}health" | grep -qE '^(200|503)$'; }

case "${1:-}" in
  up)
    if pid_alive "$SERVE_PID"; then log "search service already running (pid $(cat "$SERVE_PID")) at $URL"; exit 0; fi
    [[ -x "$VENV/bin/ingest" ]] || die "no ingest in $VENV (run deploy/install.sh)"
    cd "$REPO_ROOT"
    # The command line a supervisor would run; its output is the service's log.
    nohup "$VENV/bin/ingest" serve --host "$HOST" --port "$PORT" >>"$LOG_DIR/serve.log" 2>&1 </dev/null &
    echo $! >"$SERVE_PID"
    wait_for "search service" 60 healthy || die "the search service did not answer at $URL (see $LOG_DIR/serve.log)"
    ;;
  down) stop_pid "$SERVE_PID" "search service" ;;
  status)
    if pid_alive "$SERVE_PID" && healthy; then log "search service running (pid $(cat "$SERVE_PID")) at $URL"
    else log "search service down"; exit 1; fi ;;
  url) echo "$URL" ;;
  *) echo "usage: $0 up|down|status|url" >&2; exit 2 ;;
esac
