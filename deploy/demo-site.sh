#!/usr/bin/env bash
# The demo e-paper site: a real HTTP server on 127.0.0.1 serving deploy/demo/site (Last-Modified and 304s
# to conditional GETs, as e-paper servers answer).
# usage: deploy/demo-site.sh up|down|status
source "$(dirname "$0")/lib.sh"

SITE_PORT=8765  # deploy/demo/papers/zjgrrb.toml names it
SITE_PID="$RUN_DIR/demo-site.pid"
SITE_URL="http://127.0.0.1:$SITE_PORT/"
answering() { curl -fsS -o /dev/null "${SITE_URL}index.htm"; }

case "${1:-}" in
  up)
    if answering; then log "demo site already up at $SITE_URL"; exit 0; fi
    nohup "$VENV/bin/python" -m http.server "$SITE_PORT" --bind 127.0.0.1 --directory "$REPO_ROOT/deploy/demo/site" \
      >>"$LOG_DIR/demo-site.log" 2>&1 </dev/null &
    echo $! >"$SITE_PID"
    wait_for "demo site ($SITE_URL)" 20 answering || die "the demo site did not answer (see $LOG_DIR/demo-site.log)"
    ;;
  down) stop_pid "$SITE_PID" "demo site" ;;
  status) if answering; then log "demo site up at $SITE_URL"; else log "demo site down"; exit 1; fi ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
