#!/usr/bin/env bash
# Local IMAP server (Debian's dovecot) for the mailbox source and its tests.
# usage: deploy/dovecot.sh up|down|restart|status|env
#
# Listens on 127.0.0.1 only: IMAPS (implicit TLS) on $INGEST_IMAP_PORT (default 10993) and IMAP with
# mandatory STARTTLS on $INGEST_IMAP_STARTTLS_PORT (default 10143). One user, $INGEST_IMAP_USER (default
# "ingest"), whose password is $INGEST_IMAP_PASSWORD or, when that is unset, a random one generated once and
# kept in $INGEST_VAR/dovecot/imap-password (mode 600). The TLS certificate is self-signed, made here, and is
# also the CA file clients verify against. Everything lives under $INGEST_VAR/dovecot; `env` prints the
# settings a client needs.
source "$(dirname "$0")/lib.sh"

IMAP_PORT="${INGEST_IMAP_PORT:-10993}"
STARTTLS_PORT="${INGEST_IMAP_STARTTLS_PORT:-10143}"
IMAP_USER="${INGEST_IMAP_USER:-ingest}"
DC_HOME="$INGEST_VAR/dovecot"
DC_CONF="$DC_HOME/dovecot.conf"
DC_USERS="$DC_HOME/users"
DC_SSL="$DC_HOME/ssl"
DC_MAIL="$DC_HOME/mail"
DC_PASSWORD_FILE="$DC_HOME/imap-password"
DC_PID="$RUN_DIR/dovecot.pid"
# Mail files belong to this service user when we run as root (dovecot refuses to deliver as root).
MAIL_USER="${INGEST_MAIL_SYSTEM_USER:-ingest-mail}"

# Unix sockets live in dovecot's base_dir and a socket path may not exceed 107 bytes; a deep checkout
# gets a short private directory instead, remembered so that down/status find the same one.
base_dir() {
  local wanted="$DC_HOME/run" note="$DC_HOME/base_dir"
  if (( ${#wanted} <= 70 )); then echo "$wanted"; return; fi
  if [[ -s "$note" && -d "$(cat "$note")" ]]; then cat "$note"; return; fi
  mktemp -d "${TMPDIR:-/tmp}/ingest-dovecot.XXXXXX" | tee "$note"
}

listening() {
  # A TLS handshake and a greeting prove more than an open port: the certificate and the login process work.
  local out
  out="$(printf 'a LOGOUT\r\n' | timeout 10 openssl s_client -connect "127.0.0.1:$IMAP_PORT" -CAfile "$DC_SSL/cert.pem" \
    -verify_return_error -quiet -ign_eof 2>/dev/null)" || return 1
  [[ "$out" == "* OK "* ]]
}

password() {
  if [[ -n "${INGEST_IMAP_PASSWORD:-}" ]]; then printf '%s' "$INGEST_IMAP_PASSWORD"; return; fi
  if [[ ! -s "$DC_PASSWORD_FILE" ]]; then
    (umask 077; openssl rand -hex 16 | tr -d '\n' >"$DC_PASSWORD_FILE")
  fi
  cat "$DC_PASSWORD_FILE"
}

make_cert() {
  [[ -s "$DC_SSL/cert.pem" && -s "$DC_SSL/key.pem" ]] && return
  log "making a self-signed certificate for 127.0.0.1/localhost"
  mkdir -p "$DC_SSL"
  (umask 077; openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=localhost" \
    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
    -keyout "$DC_SSL/key.pem" -out "$DC_SSL/cert.pem" >"$LOG_DIR/dovecot-cert.log" 2>&1) \
    || die "openssl could not make the certificate (see $LOG_DIR/dovecot-cert.log)"
  chmod 644 "$DC_SSL/cert.pem"
}

# mail_ids: "uid gid" owning the mail files, and the users dovecot's own processes run as.
mail_ids() {
  if [[ $(id -u) -eq 0 ]]; then
    id "$MAIL_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$MAIL_USER"
    echo "$(id -u "$MAIL_USER") $(id -g "$MAIL_USER")"
  else
    echo "$(id -u) $(id -g)"
  fi
}

write_users() {
  local uid="$1" gid="$2" hash
  # The hash is made from stdin so the password never appears in a process list.
  hash="$(password | openssl passwd -6 -stdin)"
  (umask 077; printf '%s:{SHA512-CRYPT}%s:%s:%s::%s::\n' "$IMAP_USER" "$hash" "$uid" "$gid" "$DC_MAIL/$IMAP_USER" \
    >"$DC_USERS.tmp")
  mv "$DC_USERS.tmp" "$DC_USERS"
  # dovecot's auth process reads the file as the internal user when run as root.
  if [[ $(id -u) -eq 0 ]]; then chgrp dovecot "$DC_USERS" && chmod 640 "$DC_USERS"; fi
}

write_conf() {
  local uid="$1" base="$2" service_users=""
  if [[ $(id -u) -ne 0 ]]; then
    service_users="default_login_user = $(id -un)
default_internal_user = $(id -un)"
  fi
  cat >"$DC_CONF" <<CONF
# Written by deploy/dovecot.sh; edits are overwritten on the next \`up\`.
protocols = imap
listen = 127.0.0.1
base_dir = $base
state_dir = $DC_HOME/state
log_path = $LOG_DIR/dovecot.log
info_log_path = $LOG_DIR/dovecot.log
$service_users
first_valid_uid = $uid
last_valid_uid = $uid

ssl = required
ssl_cert = <$DC_SSL/cert.pem
ssl_key = <$DC_SSL/key.pem
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = yes
auth_mechanisms = plain login

passdb {
  driver = passwd-file
  args = scheme=SHA512-CRYPT username_format=%u $DC_USERS
}
userdb {
  driver = passwd-file
  args = username_format=%u $DC_USERS
}

mail_location = maildir:~/Maildir
namespace inbox {
  inbox = yes
  separator = /
}
# IDLE: without inotify dovecot rescans the mailbox this often; keep new mail visible within a second.
mailbox_idle_check_interval = 1 secs
imap_idle_notify_interval = 1 mins

service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $STARTTLS_PORT
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $IMAP_PORT
    ssl = yes
  }
}
CONF
}

up() {
  if pid_alive "$DC_PID" dovecot && listening; then log "dovecot already up on 127.0.0.1:$IMAP_PORT"; write_users $(mail_ids); return; fi
  if timeout 5 bash -c "</dev/tcp/127.0.0.1/$IMAP_PORT" 2>/dev/null; then
    # Another checkout's dovecot (or a system one) holds the port: use it, as es.sh and redis.sh use theirs.
    log "an IMAP server already listens on 127.0.0.1:$IMAP_PORT (not started from $INGEST_VAR): using it"; return
  fi
  apt_install dovecot-imapd openssl
  local ids uid gid base
  ids="$(mail_ids)"; uid="${ids% *}"; gid="${ids#* }"
  base="$(base_dir)"
  mkdir -p "$DC_HOME/state" "$DC_MAIL/$IMAP_USER" "$base"
  make_cert
  write_users "$uid" "$gid"
  write_conf "$uid" "$base"
  chown -R "$uid:$gid" "$DC_MAIL"
  if pid_alive "$DC_PID" dovecot; then stop_pid "$DC_PID" dovecot dovecot; fi
  log "starting dovecot on 127.0.0.1:$IMAP_PORT (imaps) and :$STARTTLS_PORT (starttls), user $IMAP_USER"
  dovecot -c "$DC_CONF" >"$LOG_DIR/dovecot.out" 2>&1 || die "dovecot failed to start (see $LOG_DIR/dovecot.out and $LOG_DIR/dovecot.log)"
  wait_for "dovecot master" 10 test -s "$base/master.pid" || die "dovecot wrote no pid file (see $LOG_DIR/dovecot.log)"
  cp "$base/master.pid" "$DC_PID"
  wait_for dovecot 30 listening || die "dovecot is not answering on 127.0.0.1:$IMAP_PORT (see $LOG_DIR/dovecot.log)"
}

status() {
  if pid_alive "$DC_PID" dovecot && listening; then log "dovecot up on 127.0.0.1:$IMAP_PORT"; else log "dovecot down"; return 1; fi
}

# The client settings for this server (the password itself stays in its file).
print_env() {
  cat <<ENV
INGEST_IMAP_HOST=127.0.0.1
INGEST_IMAP_PORT=$IMAP_PORT
INGEST_IMAP_TLS=ssl
INGEST_IMAP_USER=$IMAP_USER
INGEST_IMAP_PASSWORD_FILE=$DC_PASSWORD_FILE
INGEST_IMAP_CA_FILE=$DC_SSL/cert.pem
ENV
}

case "${1:-}" in
  up) up ;;
  down) stop_pid "$DC_PID" dovecot dovecot ;;
  restart) stop_pid "$DC_PID" dovecot dovecot; up ;;
  status) status ;;
  env) print_env ;;
  *) echo "usage: $0 up|down|restart|status|env" >&2; exit 2 ;;
esac
