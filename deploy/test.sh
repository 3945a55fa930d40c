#!/usr/bin/env bash
# The test command: install what the tests need, start the services they use, run pytest.
# usage: deploy/test.sh [pytest args...]     (e.g. deploy/test.sh tests/unit -q)
source "$(dirname "$0")/lib.sh"
D="$REPO_ROOT/deploy"

bash "$D/install.sh"
bash "$D/es.sh" up
bash "$D/rabbitmq.sh" up
bash "$D/redis.sh" up
bash "$D/dovecot.sh" up

cd "$REPO_ROOT"
"$VENV/bin/python" -m pytest "${@:--q}"
