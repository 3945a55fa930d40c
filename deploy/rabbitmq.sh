#!/usr/bin/env bash
# Local RabbitMQ (Debian's rabbitmq-server), the Celery broker, on 127.0.0.1 only.
# usage: deploy/rabbitmq.sh up|down|status|env|queues
#
# Its own node ($INGEST_RABBITMQ_NODE, default ingest@localhost) with its configuration, Erlang cookie, data
# and logs under $INGEST_VAR/rabbitmq, so no system-wide instance is needed and none is touched. `up` does
# nothing when a broker already answers AMQP on the port (another checkout's, sharing $INGEST_VAR).
# Local only: the `guest` account, which RabbitMQ accepts from the loopback interface alone.
source "$(dirname "$0")/lib.sh"

RMQ_PORT="${INGEST_RABBITMQ_PORT:-5672}"
RMQ_NODE="${INGEST_RABBITMQ_NODE:-ingest@localhost}"
RMQ_HOME="$INGEST_VAR/rabbitmq"
RMQ_PID="$RUN_DIR/rabbitmq.pid"
RMQ_BIN=/usr/lib/rabbitmq/bin  # the real scripts: /usr/sbin's wrappers switch to the system service's user and dirs

rmq_env() {
  # HOME holds the node's Erlang cookie, shared by the server and rabbitmqctl.
  env HOME="$RMQ_HOME" RABBITMQ_NODENAME="$RMQ_NODE" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
    RABBITMQ_NODE_PORT="$RMQ_PORT" RABBITMQ_DIST_PORT="$((RMQ_PORT + 20000))" ERL_EPMD_ADDRESS=127.0.0.1 \
    RABBITMQ_CONF_ENV_FILE="$RMQ_HOME/rabbitmq-env.conf" RABBITMQ_CONFIG_FILE="$RMQ_HOME/rabbitmq.conf" \
    RABBITMQ_ADVANCED_CONFIG_FILE="$RMQ_HOME/advanced.config" RABBITMQ_ENABLED_PLUGINS_FILE="$RMQ_HOME/enabled_plugins" \
    RABBITMQ_MNESIA_BASE="$RMQ_HOME/mnesia" RABBITMQ_LOG_BASE="$LOG_DIR/rabbitmq" RABBITMQ_PID_FILE="$RMQ_PID" \
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="+sbwt none +sbwtdcpu none +sbwtdio none" "$@"
}

# An AMQP 0-9-1 protocol header answered by a Connection.Start method frame (type 1): a broker, not just a port.
answers_amqp() {
  local reply
  reply="$(timeout 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/$RMQ_PORT && printf 'AMQP\\x00\\x00\\x09\\x01' >&3 && head -c 1 <&3" \
    2>/dev/null | od -An -tx1 | tr -d ' \n')" || return 1
  [[ "$reply" == 01 ]]
}

configure() {
  mkdir -p "$RMQ_HOME/mnesia" "$LOG_DIR/rabbitmq"
  : >"$RMQ_HOME/rabbitmq-env.conf"
  printf '[].\n' >"$RMQ_HOME/enabled_plugins"
  cat >"$RMQ_HOME/rabbitmq.conf" <<CONF
# Written by deploy/rabbitmq.sh; edits are overwritten on the next \`up\`.
listeners.tcp.default = 127.0.0.1:$RMQ_PORT
loopback_users.guest = true
# A shared development machine: a fixed memory budget, and no publishing stop on a fuller disk.
vm_memory_high_watermark.absolute = 1GB
disk_free_limit.absolute = 200MB
log.file.level = warning
log.console = false
CONF
  # Node-to-node distribution (used by rabbitmqctl) on the loopback interface too.
  printf '[{kernel, [{inet_dist_use_interface, {127,0,0,1}}]}].\n' >"$RMQ_HOME/advanced.config"
}

up() {
  if answers_amqp; then log "RabbitMQ already up on 127.0.0.1:$RMQ_PORT"; return; fi
  [[ -x "$RMQ_BIN/rabbitmq-server" ]] || die "rabbitmq-server is not installed (run deploy/install.sh)"
  if pid_alive "$RMQ_PID" beam; then
    wait_for RabbitMQ 60 answers_amqp && return
    die "RabbitMQ (pid $(cat "$RMQ_PID")) runs but does not answer on 127.0.0.1:$RMQ_PORT (see $LOG_DIR/rabbitmq/)"
  fi
  configure
  log "starting RabbitMQ node $RMQ_NODE on 127.0.0.1:$RMQ_PORT (data: $RMQ_HOME)"
  (cd "$RMQ_HOME" && rmq_env setsid nohup "$RMQ_BIN/rabbitmq-server" >"$LOG_DIR/rabbitmq.out" 2>&1 </dev/null &)
  wait_for RabbitMQ 120 answers_amqp || die "RabbitMQ did not answer in 120 s (see $LOG_DIR/rabbitmq.out and $LOG_DIR/rabbitmq/)"
  # Bounded: AMQP already answers, and a node restarted over many leftover quorum queues can take minutes
  # (seen: over twenty) to call its start-up complete.
  rmq_env timeout 60 "$RMQ_BIN/rabbitmqctl" -q -n "$RMQ_NODE" await_startup >/dev/null 2>&1 || true
}

down() {
  if ! answers_amqp && ! pid_alive "$RMQ_PID" beam; then log "RabbitMQ not running"; return; fi
  if rmq_env "$RMQ_BIN/rabbitmqctl" -q -n "$RMQ_NODE" stop "$RMQ_PID" >/dev/null 2>&1; then log "RabbitMQ stopped"; return; fi
  stop_pid "$RMQ_PID" RabbitMQ beam
}

status() {
  if answers_amqp; then log "RabbitMQ up on 127.0.0.1:$RMQ_PORT"; else log "RabbitMQ down on 127.0.0.1:$RMQ_PORT"; return 1; fi
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  # The broker URL of this instance.
  env) echo "INGEST_BROKER_URL=amqp://guest:guest@127.0.0.1:$RMQ_PORT//" ;;
  # The node's queues, one a line: name<TAB>consumers (AMQP cannot list queues; rabbitmqctl needs no plugin).
  queues) rmq_env timeout 60 "$RMQ_BIN/rabbitmqctl" -q -n "$RMQ_NODE" list_queues --no-table-headers name consumers ;;
  *) echo "usage: $0 up|down|status|env|queues" >&2; exit 2 ;;
esac
