#!/usr/bin/env bash
# Everything local in one place.
#   deploy/local.sh demo    install, start all services, ingest the bundled sample page, search it, and
#                           print the address of the search page
#   deploy/local.sh up      install and start Elasticsearch, Redis, dovecot (IMAP), the worker and beat,
#                           and the search service
#   deploy/local.sh down    stop them all
#   deploy/local.sh status  what runs
source "$(dirname "$0")/lib.sh"
D="$REPO_ROOT/deploy"
SAMPLE="$REPO_ROOT/tests/fixtures/zjgrrb-2020-06-25/page01.txt"

up() {
  bash "$D/install.sh"
  bash "$D/es.sh" up
  bash "$D/redis.sh" up
  bash "$D/dovecot.sh" up
  bash "$D/celery.sh" up
  bash "$D/serve.sh" up
}

case "${1:-}" in
  up) up ;;
  demo)
    up
    cd "$REPO_ROOT"
    log "ingesting the bundled sample: 浙江工人日报 2020-06-25, page 1"
    "$VENV/bin/ingest" add "$SAMPLE" --paper zjgrrb --wait
    for q in "疗休养" "困难职工的手" "红船精神"; do
      log "ingest search $q"
      "$VENV/bin/ingest" search "$q" --limit 3
    done
    "$VENV/bin/ingest" status || true
    log "services keep running; stop them with: bash deploy/local.sh down"
    log "API: $(bash "$D/serve.sh" url)search?q=朋友圈 (schema at $(bash "$D/serve.sh" url)docs)"
    log "search page: $(bash "$D/serve.sh" url)"
    ;;
  down)
    bash "$D/serve.sh" down
    bash "$D/celery.sh" down
    bash "$D/dovecot.sh" down
    bash "$D/redis.sh" down
    bash "$D/es.sh" down
    ;;
  status)
    rc=0
    for s in es redis dovecot celery serve; do bash "$D/$s.sh" status || rc=1; done
    exit $rc ;;
  *) echo "usage: $0 demo|up|down|status" >&2; exit 2 ;;
esac
