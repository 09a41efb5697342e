#!/usr/bin/env bash
# The PostgreSQL ceiling of one registration per commit: pgbench runs the registration
# transaction of benches/pgbench-registration.sql with 8 clients on one seminar for 10 seconds on a
# scratch database (the service's migrations, one published seminar). `secunity bench
# registrations --database ...` is compared to this figure in BENCHMARKS.md.
#
# Usage: cargo build --release && bash benches/pgbench-registration.sh
# Settings: PG_ADMIN_URL (postgres://postgres@127.0.0.1/postgres), CLIENTS (8), SECONDS_TO_RUN (10).
set -euo pipefail
cd "$(dirname "$0")/.."
admin=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1/postgres}
clients=${CLIENTS:-8}
seconds=${SECONDS_TO_RUN:-10}
bin=${SECUNITY_BIN:-target/release/secunity}
pgbench=$(command -v pgbench || ls /usr/lib/postgresql/*/bin/pgbench | tail -1)
name="secunity_pgbench_$$"
url="${admin%/*}/$name"
psql "$admin" -qc "CREATE DATABASE $name"
trap 'psql "$admin" -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)"' EXIT
DATABASE_URL="$url" SECUNITY_DATA_DIR=$(mktemp -d) "$bin" migrate >/dev/null
psql "$url" -qc "INSERT INTO seminars (title, industry, prefecture, format, starts_at, ends_at,
  registration_closes_at, capacity_onsite, capacity_online, status, created_at, updated_at)
  VALUES ('ベンチマーク', 'manufacturing', 40, 'hybrid', now() + interval '30 days',
  now() + interval '30 days 2 hours', now() + interval '29 days', 100, 500, 'published', now(), now())"
"$pgbench" -n -c "$clients" -j 2 -T "$seconds" -f benches/pgbench-registration.sql "$url" | grep -E "tps|latency average|number of (transactions|failed)"
