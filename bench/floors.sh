#!/usr/bin/env bash
# The floors under the delivery figures, on this machine's Redis and PostgreSQL: a bare
# Redis publish-to-subscribe round trip (no server in between), and a one-row durable
# commit (pgbench, one client, then 16 at once, on a throwaway table with the server's own
# synchronous_commit). A push is acked only after its commit, and delivered only through
# Redis, so neither system can beat these.
#
# Environment (and those of bench/lib.sh: PGHOST, PGPORT, PGUSER, REDIS_URL):
#   FLOOR_SECONDS  how long each pgbench run lasts (10)
#   CLIP_BYTES     size of the row's data and of the Redis message (100)
#   SKIP_BUILD=1   use the bench jar already built
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

FLOOR_SECONDS=${FLOOR_SECONDS:-10}
CLIP_BYTES=${CLIP_BYTES:-100}

if [[ "${SKIP_BUILD:-}" != 1 ]]; then
	timeout 600 ./mvnw -q -B -DskipTests package -pl bench -am
fi
bench_jar=$work/bench.jar
copy_jar "$root/bench/target/bench-0.1.0-SNAPSHOT-all.jar" "$bench_jar"

find_memory_monitors
echo "== Redis publish-to-subscribe round trip ($REDIS_URL)"
timeout 300 "$java_bin" -cp "$bench_jar" dev.clipsync.bench.delivery.RedisRoundTrip \
	--redis-url="$REDIS_URL" --payload-bytes="$CLIP_BYTES"

echo
if ! command -v pgbench >/dev/null; then
	echo "pgbench is missing: apt-get install postgresql-contrib (or the postgresql-client of the server's version)" >&2
	exit 1
fi
create_database
database_name=${db_url##*/}
echo "== One-row durable commit (pgbench on $PGHOST:$PGPORT, synchronous_commit=$(psql -Atq -d "$database_name" -c 'SHOW synchronous_commit'))"
psql -q -v ON_ERROR_STOP=1 -d "$database_name" \
	-c 'CREATE TABLE floor_clip (user_id uuid NOT NULL, id uuid NOT NULL, data text NOT NULL, PRIMARY KEY (user_id, id))'
cat >"$work/commit.sql" <<SQL
INSERT INTO floor_clip (user_id, id, data) VALUES (gen_random_uuid(), gen_random_uuid(), repeat('x', $CLIP_BYTES));
SQL
for clients in 1 16; do
	rm -f "$work"/pgbench_log.*
	(cd "$work" && timeout $((FLOOR_SECONDS + 60)) pgbench -n -c "$clients" -j "$((clients < 2 ? 1 : 2))" \
		-T "$FLOOR_SECONDS" -f commit.sql -l "$database_name" >"$work/pgbench.out" 2>&1) || {
		cat "$work/pgbench.out" >&2
		exit 1
	}
	tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$work/pgbench.out" | head -n 1)
	# Per-transaction log: client, transaction, latency in microseconds, ...
	cat "$work"/pgbench_log.* | awk '{print $3}' | sort -n >"$work/latencies"
	count=$(wc -l <"$work/latencies")
	pct() { sed -n "$(awk -v n="$count" -v p="$1" 'BEGIN { i = int(n * p / 100); if (i < 1) i = 1; print i }')p" "$work/latencies"; }
	printf '%2d client(s): %s commits/s; latency p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms (%d commits)\n' \
		"$clients" "$tps" "$(pct 50 | awk '{print $1 / 1000}')" "$(pct 99 | awk '{print $1 / 1000}')" \
		"$(pct 99.9 | awk '{print $1 / 1000}')" "$(tail -n 1 "$work/latencies" | awk '{print $1 / 1000}')" "$count"
done
