#!/bin/sh
# Temporal's own schema set-up for PostgreSQL (as in temporalio/samples-server's compose), made safe
# to run on every `docker compose up`: a database is created and given its version table only the
# first time; update-schema then applies only the versions not applied yet.
set -eu
: "${POSTGRES_SEEDS:?POSTGRES_SEEDS is required}"
: "${POSTGRES_USER:?POSTGRES_USER is required}"
: "${SQL_PASSWORD:?SQL_PASSWORD is required}"
PORT="${DB_PORT:-5432}"
SCHEMA=/etc/temporal/schema/postgresql/v12

nc -z -w 10 "$POSTGRES_SEEDS" "$PORT"
for pair in temporal:temporal temporal_visibility:visibility; do
  db="${pair%%:*}"
  dir="${pair#*:}"
  tool="temporal-sql-tool --plugin postgres12 --ep $POSTGRES_SEEDS -u $POSTGRES_USER -p $PORT --db $db"
  if $tool create; then
    $tool setup-schema -v 0.0
  else
    echo "database $db exists; updating its schema"
  fi
  $tool update-schema -d "$SCHEMA/$dir/versioned"
done
echo 'Temporal schema is up to date'
