#!/usr/bin/env bash
# Heap per idle, authenticated WebSocket connection on sync-gateway, on this machine:
# builds, starts the gateway on a fresh database once per max clip size, runs the bench
# jar against it (which serves the JWK Set the gateway checks tokens against), and cleans
# up. Arguments go to the bench (see --help), e.g. --connections=1000,4000.
#
# Environment (and those of bench/lib.sh: CLIPSYNC_BENCH_DB_URL, PGHOST, PGPORT, PGUSER,
# REDIS_URL):
#   MAX_CLIP_SIZES         the gateway's clipsync.clips.max-size, one run each ("1MB 64KB")
#   CONNECTIONS            steps for the first size (2000,5000,10000,15000)
#   COMPARE_CONNECTIONS    steps for the other sizes, which only compare (2000,5000,10000)
#   GATEWAY_JAVA_OPTS      JVM options for the gateway (-XX:+UseCompactObjectHeaders, as the
#                          image runs it; set it empty for the JVM's defaults)
#   BENCH_TIMEOUT          longest run of the bench jar per size, in seconds (240)
#   SKIP_BUILD=1           use the jars already built
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

MAX_CLIP_SIZES=${MAX_CLIP_SIZES:-1MB 64KB}
CONNECTIONS=${CONNECTIONS:-2000,5000,10000,15000}
COMPARE_CONNECTIONS=${COMPARE_CONNECTIONS:-2000,5000,10000}
read -r -a gateway_opts <<<"${GATEWAY_JAVA_OPTS--XX:+UseCompactObjectHeaders}"

# Every connection is a socket in the gateway and one in the bench: both inherit this.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
echo "Open files allowed per process: $(ulimit -n)"

if [[ "${SKIP_BUILD:-}" != 1 ]]; then
	echo "Building bench and sync-gateway ..."
	# package, not install: the jars are taken from target/, nothing goes to ~/.m2.
	timeout 600 ./mvnw -q -B -DskipTests package -pl bench,sync-gateway -am
fi

gateway_jar=$work/sync-gateway.jar
bench_jar=$work/bench.jar
copy_jar "$root/sync-gateway/target/sync-gateway-0.1.0-SNAPSHOT.jar" "$gateway_jar"
copy_jar "$root/bench/target/bench-0.1.0-SNAPSHOT-all.jar" "$bench_jar"
create_database

first=1
for size in $MAX_CLIP_SIZES; do
	if [[ -n "$first" ]]; then
		steps=(--connections="$CONNECTIONS")
	else
		# Only to compare with the first size: fewer steps, and no hold.
		steps=(--connections="$COMPARE_CONNECTIONS" --hold=0)
	fi
	first=
	port=$(free_port)
	jwks_port=$(free_port)
	[[ "$jwks_port" != "$port" ]] || jwks_port=$(free_port)
	echo
	echo "Starting sync-gateway on 127.0.0.1:$port with clipsync.clips.max-size=$size (log $work/sync-gateway-$size.log) ..."
	start_service "$work/sync-gateway-$size.log" "${gateway_opts[@]}" -jar "$gateway_jar" \
		--server.port="$port" \
		--spring.datasource.url="$db_url" \
		--spring.datasource.username="$PGUSER" \
		--spring.data.redis.url="$REDIS_URL" \
		--clipsync.redis.key-prefix="$run_id" \
		--clipsync.tokens.jwks-uri="http://127.0.0.1:$jwks_port/.well-known/jwks.json" \
		--clipsync.clips.max-size="$size" \
		--logging.structured.format.console=
	wait_until_ready sync-gateway "http://127.0.0.1:$port"

	timeout "${BENCH_TIMEOUT:-240}" "$java_bin" -Xmx1g -XX:+UseSerialGC -cp "$bench_jar" \
		dev.clipsync.bench.idle.IdleConnections \
		--url="ws://127.0.0.1:$port/v1/sync" --gateway-pid="$service_pid" --jwks-port="$jwks_port" \
		--label="clipsync.clips.max-size=$size" "${steps[@]}" "$@"
	stop_service
done
