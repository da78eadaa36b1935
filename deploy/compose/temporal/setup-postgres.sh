#!/bin/sh
# The one-shot `temporal-schema` job of docker-compose.yml (temporalio/admin-tools):
# creates Temporal's two PostgreSQL databases and brings their schemas to the
# version this image ships, so the server can start on them. Every step is safe
# to repeat, which is what lets `docker compose up` run it on each start:
# setup-schema leaves a versioned schema alone and update-schema applies only
# the versions that are missing.
set -eu
: "${POSTGRES_SEEDS:?}" "${POSTGRES_USER:?}" "${SQL_PASSWORD:?}"
port=${DB_PORT:-5432}
versioned=/etc/temporal/schema/postgresql/v12

until nc -z -w 5 "$POSTGRES_SEEDS" "$port"; do echo "waiting for $POSTGRES_SEEDS:$port"; sleep 2; done

sql() { temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$port" -u "$POSTGRES_USER" "$@"; }
for db_and_schema in temporal:temporal temporal_visibility:visibility; do
  db=${db_and_schema%%:*}
  schema=${db_and_schema#*:}
  # `create` of an existing database is not an error everywhere; any real
  # failure (auth, network) makes setup-schema below fail, so it is not lost.
  sql --db "$db" create || echo "could not create $db (it may exist already)"
  sql --db "$db" setup-schema -v 0.0
  sql --db "$db" update-schema -d "$versioned/$schema/versioned"
done
echo "temporal schemas are up to date"
