#!/usr/bin/env bash
# Everything local in one place.
#   deploy/local.sh demo    install, start everything, and watch the workers ingest the demo site's edition
#                           and a mailed edition (deploy/demo.py says what happens, step by step), then
#                           print the address of the search page
#   deploy/local.sh up      install and start Elasticsearch, RabbitMQ, Redis, dovecot (IMAP), the demo e-paper
#                           site, the worker, beat, mail watcher and Flower under supervisord, and the search
#                           service
#   deploy/local.sh down    stop them all
#   deploy/local.sh status  what runs
source "$(dirname "$0")/lib.sh"
D="$REPO_ROOT/deploy"
# The local stack's papers: the bundled configs, with zjgrrb pointed at the demo site (deploy/demo/papers).
export INGEST_PAPERS_DIR="${INGEST_PAPERS_DIR:-$REPO_ROOT/deploy/demo/papers}"
# ... and beat discovers that paper's site alone: the other bundled papers' sites are not reachable from here.
export INGEST_PAPERS="${INGEST_PAPERS:-zjgrrb}"

up() {
  bash "$D/install.sh"
  bash "$D/es.sh" up
  bash "$D/rabbitmq.sh" up
  bash "$D/redis.sh" up
  bash "$D/dovecot.sh" up
  bash "$D/demo-site.sh" up
  bash "$D/celery.sh" up
  bash "$D/serve.sh" up
}

case "${1:-}" in
  up) up ;;
  demo)
    up
    cd "$REPO_ROOT"
    INGEST_DEMO_SEARCH_PAGE="$(bash "$D/serve.sh" url)" "$VENV/bin/python" "$D/demo.py"
    ;;
  down)
    bash "$D/serve.sh" down
    bash "$D/celery.sh" down
    bash "$D/demo-site.sh" down
    bash "$D/dovecot.sh" down
    bash "$D/redis.sh" down
    bash "$D/rabbitmq.sh" down
    bash "$D/es.sh" down
    ;;
  status)
    rc=0
    for s in es rabbitmq redis dovecot demo-site celery serve; do bash "$D/$s.sh" status || rc=1; done
    exit $rc ;;
  *) echo "usage: $0 demo|up|down|status" >&2; exit 2 ;;
esac
