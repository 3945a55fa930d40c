#!/usr/bin/env bash
# The Celery worker, the one beat scheduler, when a mailbox is configured the IMAP IDLE watcher, and Flower
# on 127.0.0.1:$INGEST_FLOWER_PORT (5555), run by a supervisord of their own (Debian's supervisor; not the system service): its configuration under
# $INGEST_VAR/supervisor, its control socket in $INGEST_VAR/run. A process that dies is started again at
# once (supervisord sees the exit); the services keep the environment `up` was run with.
# usage: deploy/celery.sh up|down|status|restart
source "$(dirname "$0")/lib.sh"

CELERY="$VENV/bin/celery"
SUP_DIR="$INGEST_VAR/supervisor"
SUP_CONF="$SUP_DIR/supervisord.conf"
SUP_PID="$RUN_DIR/supervisord.pid"
SUP_SOCK="$RUN_DIR/supervisor.sock"
CONCURRENCY="${INGEST_WORKER_CONCURRENCY:-$(( $(nproc) + 1 ))}"  # the default of ingest.config
FLOWER_PORT="${INGEST_FLOWER_PORT:-5555}"
# Every process writes its Prometheus samples here; cleared when the stack starts (old pids' files).
METRICS_DIR="${INGEST_METRICS_DIR:-$INGEST_VAR/metrics}"
QUEUE="${INGEST_QUEUE:-ingest}"
WORKER_NAME="${INGEST_WORKER_NAME:-ingest}@$(hostname)"

ctl() { supervisorctl -c "$SUP_CONF" "$@"; }
# supervisord itself: the pid in its file, alive, and that program (not a pid handed on to another).
supervisor_alive() { pid_alive "$SUP_PID" supervisord && [[ -S "$SUP_SOCK" ]]; }
# The worker answers a ping addressed to it by name (other workers on a shared broker do not count).
worker_ready() { "$CELERY" -A tasks.app inspect ping --timeout 2 --destination "$WORKER_NAME" >/dev/null 2>&1; }

mailbox_configured() {
  "$VENV/bin/python" -c 'from ingest.sources.mail import MailboxSettings; MailboxSettings.from_env()' >/dev/null 2>&1
}

program() {  # program NAME COMMAND: one supervised program
  cat <<CONF

[program:$1]
command=$2
directory=$REPO_ROOT
autostart=true
autorestart=true
; Started means alive for 3 s; a program dying sooner is retried (a broker still coming up), then given up.
startsecs=3
startretries=20
; TERM first (Celery's warm shutdown finishes the running tasks), KILL after the wait, to the whole group:
; a worker's pool children go with it.
stopsignal=TERM
stopwaitsecs=60
stopasgroup=true
killasgroup=true
redirect_stderr=true
stdout_logfile=$LOG_DIR/$1.log
stdout_logfile_maxbytes=50MB
stdout_logfile_backups=3
CONF
}

write_conf() {
  mkdir -p "$SUP_DIR"
  {
    cat <<CONF
; Written by deploy/celery.sh; edits are overwritten on the next \`up\`.
[unix_http_server]
file=$SUP_SOCK
chmod=0700

[supervisord]
pidfile=$SUP_PID
logfile=$LOG_DIR/supervisord.log
logfile_maxbytes=10MB
childlogdir=$LOG_DIR
directory=$REPO_ROOT

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://$SUP_SOCK
CONF
    program worker "$CELERY --workdir $REPO_ROOT -A tasks.app worker --queues $QUEUE --concurrency $CONCURRENCY --loglevel INFO --hostname $WORKER_NAME"
    # Only one beat may run: this supervisord runs exactly one.
    program beat "$CELERY --workdir $REPO_ROOT -A tasks.app beat --loglevel INFO --schedule $RUN_DIR/beat-schedule"
    # New mail is taken as it arrives (IDLE); the beat's poll stays as the safety net.
    if mailbox_configured; then program mail-watch "$VENV/bin/ingest mail watch"; fi
    # Flower: the tasks as they run, on 127.0.0.1 only (no authentication is configured).
    program flower "$CELERY --workdir $REPO_ROOT -A tasks.app flower --address=127.0.0.1 --port=$FLOWER_PORT"
  } >"$SUP_CONF.tmp"
  mv "$SUP_CONF.tmp" "$SUP_CONF"
}

up() {
  [[ -x "$CELERY" ]] || die "no Celery in $VENV (run deploy/install.sh)"
  command -v supervisord >/dev/null || die "supervisor is not installed (run deploy/install.sh)"
  cd "$REPO_ROOT"
  if supervisor_alive; then
    log "supervisord already running (pid $(cat "$SUP_PID")): starting what is not running"
    ctl start all >/dev/null || true
  else
    write_conf
    rm -f "$SUP_SOCK"
    rm -rf "$METRICS_DIR" && mkdir -p "$METRICS_DIR"
    supervisord -c "$SUP_CONF" || die "supervisord did not start (see $LOG_DIR/supervisord.log)"
    wait_for supervisord 20 supervisor_alive || die "supervisord did not start (see $LOG_DIR/supervisord.log)"
  fi
  grep -q '^\[program:mail-watch\]' "$SUP_CONF" || log "no mailbox configured: mail watcher not started"
  wait_for "Celery worker $WORKER_NAME" 90 worker_ready || die "the worker did not answer (see $LOG_DIR/worker.log)"
  ctl status
  log "flower on http://127.0.0.1:$FLOWER_PORT (log: $LOG_DIR/flower.log)"
}

down() {
  if ! supervisor_alive; then rm -f "$SUP_PID" "$SUP_SOCK"; log "worker, beat and mail watcher not running"; return; fi
  local pid; pid="$(cat "$SUP_PID")"
  ctl shutdown >/dev/null || true  # stops every program (TERM, then KILL after its wait), then itself
  for _ in $(seq 1 150); do proc_alive "$pid" supervisord || break; sleep 0.5; done
  proc_alive "$pid" supervisord && die "supervisord (pid $pid) did not stop"
  log "worker, beat and mail watcher stopped"
}

status() {
  if ! supervisor_alive; then log "supervisord not running: worker, beat and mail watcher down"; return 1; fi
  # supervisorctl exits non-zero when a program is not RUNNING.
  ctl status
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  restart) down; up ;;
  status) status ;;
  *) echo "usage: $0 up|down|status|restart" >&2; exit 2 ;;
esac
