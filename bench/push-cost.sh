#!/usr/bin/env bash
# What one push costs PostgreSQL as a user's kept clips grow: push_clips as the gateway calls
# it for a lone push, one client (pgbench), against two fresh databases in the same run: one
# with the migrations up to BEFORE (the function as it was), one with all of them (as it is).
# synchronous_commit is off for these sessions, so the figure is PostgreSQL's work per push,
# not the disk's flush. Users are picked at random, so "kept" is the mean per user.
#
# Environment (and those of bench/lib.sh: PGHOST, PGPORT, PGUSER):
#   USERS      users pushed to (1000)
#   STEP       pushes per user between two measurements (50)
#   STEPS      measurements (5: up to 250 pushes per user, past the 200 kept by default)
#   BEFORE     the last migration of the older database (5)
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

USERS=${USERS:-1000}
STEP=${STEP:-50}
STEPS=${STEPS:-5}
BEFORE=${BEFORE:-5}
migrations=$root/sync-gateway/src/main/resources/db/migration

if ! command -v pgbench >/dev/null; then
	echo "pgbench is missing: apt-get install postgresql-contrib (or the postgresql-client of the server's version)" >&2
	exit 1
fi

# Two databases, dropped at exit like the one lib.sh makes.
create_database
older=${db_url##*/}
newer=${older}_now
timeout 30 psql -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $newer"
drop_newer() {
	local status=$?
	timeout 30 psql -q -d postgres -c "DROP DATABASE IF EXISTS $newer WITH (FORCE)" >/dev/null 2>&1
	(exit $status)
	cleanup
}
trap drop_newer EXIT

for file in $(ls "$migrations"/V*.sql | sort -V); do
	version=$(basename "$file" | sed 's/^V\([0-9]*\)__.*/\1/')
	psql -q -v ON_ERROR_STOP=1 -d "$newer" -f "$file" >/dev/null
	if ((version <= BEFORE)); then
		psql -q -v ON_ERROR_STOP=1 -d "$older" -f "$file" >/dev/null
	fi
done

# One lone push, with the arguments the gateway sends: keep 200, quota 64 MB.
cat >"$work/push.sql" <<SQL
\set u random(1, $USERS)
SELECT * FROM push_clips(ARRAY[('00000000-0000-0000-0000-' || lpad(:u::text, 12, '0'))::uuid],
    ARRAY[gen_random_uuid()], ARRAY[gen_random_uuid()], ARRAY[gen_random_uuid()], ARRAY['text/plain'],
    ARRAY['utf-8'], ARRAY[false], ARRAY[repeat('x', 100)], ARRAY[false], ARRAY[NULL::uuid],
    ARRAY[NULL::bigint], ARRAY[NULL::text], 200, 67108864);
SQL

echo "push_clips, one client, $USERS users, 100-byte clips, pushes per second (PostgreSQL's CPU per push)"
printf '| pushes per user, by the end of the step | clips kept per user then | up to V%s | all migrations |\n|---:|---:|---:|---:|\n' "$BEFORE"
for step in $(seq 1 "$STEPS"); do
	row=()
	for db in "$older" "$newer"; do
		out=$(PGOPTIONS="-c synchronous_commit=off" timeout 600 pgbench -n -c 1 -t $((USERS * STEP)) \
			-f "$work/push.sql" "$db" 2>&1) || { echo "$out" >&2; exit 1; }
		tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<<"$out" | head -n 1)
		row+=("$(printf '%.0f/s (%.3f ms)' "$tps" "$(awk -v t="$tps" 'BEGIN { print 1000 / t }')")")
	done
	kept=$(psql -Atq -d "$newer" -c "SELECT round(count(*)::numeric / $USERS) FROM clips")
	printf '| %d | %s | %s | %s |\n' $((step * STEP)) "$kept" "${row[0]}" "${row[1]}"
done
