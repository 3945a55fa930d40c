#!/usr/bin/env bash
# Local Redis (broker, result backend, shared worker state) on 127.0.0.1.
# usage: deploy/redis.sh up|down|status
source "$(dirname "$0")/lib.sh"

REDIS_PORT="${INGEST_REDIS_PORT:-6379}"
REDIS_PID="$RUN_DIR/redis.pid"
ping() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; }

case "${1:-}" in
  up)
    if ping; then log "Redis already up on 127.0.0.1:$REDIS_PORT"; exit 0; fi
    command -v redis-server >/dev/null || die "redis-server is not installed (run deploy/install.sh)"
    mkdir -p "$INGEST_VAR/redis"
    # Append-only file: queued tasks survive a Redis restart.
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --pidfile "$REDIS_PID" \
      --logfile "$LOG_DIR/redis.log" --dir "$INGEST_VAR/redis" --appendonly yes --save "" \
      || die "redis-server failed to start (see $LOG_DIR/redis.log)"
    wait_for Redis 30 ping || die "Redis did not answer on 127.0.0.1:$REDIS_PORT (see $LOG_DIR/redis.log)"
    ;;
  down)
    if pid_alive "$REDIS_PID" redis-server; then stop_pid "$REDIS_PID" Redis redis-server
    else redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true; log "Redis stopped"; fi
    ;;
  status) if ping; then log "Redis up on 127.0.0.1:$REDIS_PORT"; else log "Redis down"; exit 1; fi ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
