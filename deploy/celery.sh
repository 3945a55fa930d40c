#!/usr/bin/env bash
# The Celery worker(s), the one beat scheduler, when a mailbox is configured the IMAP IDLE watcher, and
# Flower on 127.0.0.1:$INGEST_FLOWER_PORT (5555), as background processes.
# usage: deploy/celery.sh up|down|status
source "$(dirname "$0")/lib.sh"

CELERY="$VENV/bin/celery"
WORKER_PID="$RUN_DIR/worker.pid"
BEAT_PID="$RUN_DIR/beat.pid"
WATCH_PID="$RUN_DIR/mail-watch.pid"
FLOWER_PID="$RUN_DIR/flower.pid"
FLOWER_PORT="${INGEST_FLOWER_PORT:-5555}"
# Every process writes its Prometheus samples here; cleared when the stack starts (old pids' files).
METRICS_DIR="${INGEST_METRICS_DIR:-$INGEST_VAR/metrics}"
CONCURRENCY="${INGEST_WORKER_CONCURRENCY:-2}"

worker_ready() { "$CELERY" -A tasks.app inspect ping --timeout 2 >/dev/null 2>&1; }

up() {
  [[ -x "$CELERY" ]] || die "no Celery in $VENV (run deploy/install.sh)"
  cd "$REPO_ROOT"
  if ! pid_alive "$WORKER_PID" && ! pid_alive "$BEAT_PID" && ! pid_alive "$WATCH_PID"; then
    rm -rf "$METRICS_DIR" && mkdir -p "$METRICS_DIR"
  fi
  if pid_alive "$WORKER_PID"; then log "worker already running"; else
    "$CELERY" --workdir "$REPO_ROOT" -A tasks.app worker --queues "${INGEST_QUEUE:-ingest}" --concurrency "$CONCURRENCY" --loglevel INFO \
      --hostname "ingest@%h" --logfile "$LOG_DIR/worker.log" --pidfile "$WORKER_PID" --detach
    wait_for "Celery worker" 60 worker_ready || die "the worker did not answer (see $LOG_DIR/worker.log)"
  fi
  # Only one beat may run: the pid file guards it.
  if pid_alive "$BEAT_PID"; then log "beat already running"; else
    "$CELERY" --workdir "$REPO_ROOT" -A tasks.app beat --loglevel INFO --schedule "$RUN_DIR/beat-schedule" \
      --logfile "$LOG_DIR/beat.log" --pidfile "$BEAT_PID" --detach
    wait_for "Celery beat" 30 pid_alive "$BEAT_PID" || die "beat did not start (see $LOG_DIR/beat.log)"
  fi
  # New mail is taken as it arrives (IDLE); the beat's poll stays as the safety net.
  if pid_alive "$WATCH_PID"; then log "mail watcher already running"
  elif mailbox_configured; then
    nohup "$VENV/bin/ingest" mail watch >>"$LOG_DIR/mail-watch.log" 2>&1 </dev/null &
    echo $! >"$WATCH_PID"
    log "mail watcher started (log: $LOG_DIR/mail-watch.log)"
  else
    log "no mailbox configured: mail watcher not started"
  fi
  # Flower: the tasks as they run, on 127.0.0.1 only (no authentication is configured).
  if pid_alive "$FLOWER_PID"; then log "flower already running"; else
    nohup "$CELERY" --workdir "$REPO_ROOT" -A tasks.app flower --address=127.0.0.1 --port="$FLOWER_PORT" \
      >>"$LOG_DIR/flower.log" 2>&1 </dev/null &
    echo $! >"$FLOWER_PID"
    log "flower on http://127.0.0.1:$FLOWER_PORT (log: $LOG_DIR/flower.log)"
  fi
}

mailbox_configured() {
  "$VENV/bin/python" -c 'from ingest.sources.mail import MailboxSettings; MailboxSettings.from_env()' >/dev/null 2>&1
}

case "${1:-}" in
  up) up ;;
  down) stop_pid "$FLOWER_PID" flower; stop_pid "$WATCH_PID" "mail watcher"; stop_pid "$BEAT_PID" beat; stop_pid "$WORKER_PID" worker ;;
  status)
    rc=0
    if pid_alive "$WORKER_PID"; then log "worker running (pid $(cat "$WORKER_PID"))"; else log "worker down"; rc=1; fi
    if pid_alive "$BEAT_PID"; then log "beat running (pid $(cat "$BEAT_PID"))"; else log "beat down"; rc=1; fi
    if pid_alive "$WATCH_PID"; then log "mail watcher running (pid $(cat "$WATCH_PID"))"; fi
    if pid_alive "$FLOWER_PID"; then log "flower running on 127.0.0.1:$FLOWER_PORT (pid $(cat "$FLOWER_PID"))"; fi
    exit $rc ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
