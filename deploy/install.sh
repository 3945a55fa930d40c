#!/usr/bin/env bash
# Install what running and testing need: Debian packages and the Python venv (.venv). Idempotent.
source "$(dirname "$0")/lib.sh"

# fonts-wqy-microhei: a CJK TrueType font the mail tests set their generated PDF pages in (and the search
# page's screenshots show). chromium + chromium-driver: the headless browser the search page is tested in.
# prometheus: for promtool, which checks deploy/alerts.yml in the tests (its server is not started here).
# rabbitmq-server: the broker; supervisor: runs the worker, beat, mail watcher and Flower (deploy/celery.sh);
# systemd: systemd-analyze, which checks the production units (deploy/systemd).
apt_install redis-server rabbitmq-server supervisor systemd unzip curl maven fonts-wqy-microhei chromium chromium-driver \
  prometheus ${INGEST_EXTRA_APT:-}

PY="${PYTHON:-python3}"
"$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || die "Python 3.11+ is needed ($PY is $("$PY" -V 2>&1))"
[[ -x "$VENV/bin/python" ]] || { log "creating $VENV"; "$PY" -m venv "$VENV"; }
stamp="$VENV/.installed-$(sha256sum "$REPO_ROOT/pyproject.toml" | cut -c1-16)"
if [[ ! -f "$stamp" ]]; then
  log "installing Python packages into $VENV"
  "$VENV/bin/pip" install -q --upgrade pip >"$LOG_DIR/pip.log" 2>&1
  "$VENV/bin/pip" install -q -e "$REPO_ROOT[test]" >>"$LOG_DIR/pip.log" 2>&1 || die "pip install failed (see $LOG_DIR/pip.log)"
  rm -f "$VENV"/.installed-* && touch "$stamp"
fi
# The checkout's own modules as bytecode: an editable install leaves them as sources, and where Python does
# not write bytecode on import (PYTHONDONTWRITEBYTECODE, a read-only checkout) every command would compile
# them again. Up-to-date files are skipped, so this is cheap on every run.
"$VENV/bin/python" -m compileall -q "$REPO_ROOT/ingest" "$REPO_ROOT/tasks" \
  || die "compiling the project's modules failed"
