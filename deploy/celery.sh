#!/usr/bin/env bash
# The Celery worker(s) and the one beat scheduler, as background processes.
# usage: deploy/celery.sh up|down|status
source "$(dirname "$0")/lib.sh"

CELERY="$VENV/bin/celery"
WORKER_PID="$RUN_DIR/worker.pid"
BEAT_PID="$RUN_DIR/beat.pid"
CONCURRENCY="${INGEST_WORKER_CONCURRENCY:-2}"

worker_ready() { "$CELERY" -A tasks.app inspect ping --timeout 2 >/dev/null 2>&1; }

up() {
  [[ -x "$CELERY" ]] || die "no Celery in $VENV (run deploy/install.sh)"
  cd "$REPO_ROOT"
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
}

case "${1:-}" in
  up) up ;;
  down) stop_pid "$BEAT_PID" beat; stop_pid "$WORKER_PID" worker ;;
  status)
    rc=0
    if pid_alive "$WORKER_PID"; then log "worker running (pid $(cat "$WORKER_PID"))"; else log "worker down"; rc=1; fi
    if pid_alive "$BEAT_PID"; then log "beat running (pid $(cat "$BEAT_PID"))"; else log "beat down"; rc=1; fi
    exit $rc ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
