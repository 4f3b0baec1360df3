#!/usr/bin/env bash
# Heap per idle, authenticated WebSocket connection on sync-gateway, on this machine:
# builds, starts the gateway on a fresh database once per max clip size, runs the bench
# jar against it (which serves the JWK Set the gateway checks tokens against), and cleans
# up. Arguments go to the bench (see --help), e.g. --connections=1000,4000.
#
# Environment:
#   MAX_CLIP_SIZES         the gateway's clipsync.clips.max-size, one run each ("1MB 64KB")
#   CONNECTIONS            steps for the first size (2000,5000,10000,15000)
#   COMPARE_CONNECTIONS    steps for the other sizes, which only compare (2000,5000,10000)
#   GATEWAY_JAVA_OPTS      JVM options for the gateway (none: the JVM's defaults)
#   CLIPSYNC_BENCH_DB_URL  JDBC URL of an existing database to use (not created or dropped)
#   PGHOST, PGPORT, PGUSER where to create the throwaway database (127.0.0.1, 5432, postgres)
#   REDIS_URL              Redis for the gateway (redis://127.0.0.1:6379)
#   BENCH_TIMEOUT          longest run of the bench jar per size, in seconds (240)
#   SKIP_BUILD=1           use the jars already built
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)

PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PGUSER=${PGUSER:-postgres}
export PGHOST PGPORT PGUSER
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
MAX_CLIP_SIZES=${MAX_CLIP_SIZES:-1MB 64KB}
CONNECTIONS=${CONNECTIONS:-2000,5000,10000,15000}
COMPARE_CONNECTIONS=${COMPARE_CONNECTIONS:-2000,5000,10000}
read -r -a gateway_opts <<<"${GATEWAY_JAVA_OPTS:-}"

java_major() {
	"$1" -version 2>&1 | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -n 1
}

# JDK 25: the one in JAVA_HOME or on the PATH if recent enough, else Temurin 25. Its jcmd
# must match the gateway's JVM, which is this same java.
java_bin=${JAVA_HOME:+$JAVA_HOME/bin/java}
java_bin=${java_bin:-$(command -v java || true)}
if [[ -z "$java_bin" || ! -x "$java_bin" || "$(java_major "$java_bin")" -lt 25 ]]; then
	export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
	java_bin=$JAVA_HOME/bin/java
fi
echo "Java: $java_bin ($(java_major "$java_bin"))"

# Every connection is a socket in the gateway and one in the bench: both inherit this.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
echo "Open files allowed per process: $(ulimit -n)"

if [[ "${SKIP_BUILD:-}" != 1 ]]; then
	echo "Building bench and sync-gateway ..."
	# package, not install: the jars are taken from target/, nothing goes to ~/.m2.
	timeout 600 ./mvnw -q -B -DskipTests package -pl bench,sync-gateway -am
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/clipsync-bench.XXXXXX")
run_id=bench$$$RANDOM
database=
gateway_pid=
gateway_log=

stop_gateway() {
	if [[ -n "$gateway_pid" ]] && kill -0 "$gateway_pid" 2>/dev/null; then
		kill "$gateway_pid"
		for _ in $(seq 1 60); do
			kill -0 "$gateway_pid" 2>/dev/null || break
			sleep 0.5
		done
		kill -0 "$gateway_pid" 2>/dev/null && kill -9 "$gateway_pid"
		wait "$gateway_pid" 2>/dev/null || true
	fi
	gateway_pid=
}

cleanup() {
	local status=$?
	set +e
	stop_gateway
	if [[ -n "$database" ]]; then
		timeout 30 psql -q -v ON_ERROR_STOP=1 -d postgres -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" \
			|| echo "Could not drop database $database" >&2
	fi
	if command -v redis-cli >/dev/null; then
		timeout 30 redis-cli -u "$REDIS_URL" --scan --pattern "$run_id:*" \
			| timeout 30 xargs -r redis-cli -u "$REDIS_URL" del >/dev/null
	fi
	if [[ $status -ne 0 && -n "$gateway_log" && -s "$gateway_log" ]]; then
		echo "--- last lines of the gateway log ($gateway_log) ---" >&2
		tail -n 30 "$gateway_log" >&2
		rm -f "$work"/*.jar
	else
		rm -rf "$work"
	fi
	exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Run from copies: a build of this tree while the benchmark runs rewrites the jars, and
# a JVM whose jar changes under it fails. A copy taken mid-write is caught by listing it.
jar_bin=$(dirname "$(readlink -f "$java_bin")")/jar
copy_jar() {
	local from=$1 to=$2
	for _ in 1 2 3 4 5; do
		if cp "$from" "$to" && { [[ ! -x "$jar_bin" ]] || "$jar_bin" tf "$to" >/dev/null 2>&1; }; then
			return 0
		fi
		sleep 2
	done
	echo "Could not copy a complete $from" >&2
	return 1
}
gateway_jar=$work/sync-gateway.jar
bench_jar=$work/bench.jar
copy_jar "$root/sync-gateway/target/sync-gateway-0.1.0-SNAPSHOT.jar" "$gateway_jar"
copy_jar "$root/bench/target/bench-0.1.0-SNAPSHOT-all.jar" "$bench_jar"

if [[ -n "${CLIPSYNC_BENCH_DB_URL:-}" ]]; then
	db_url=$CLIPSYNC_BENCH_DB_URL
else
	database=clipsync_$run_id
	timeout 30 psql -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $database"
	db_url=jdbc:postgresql://$PGHOST:$PGPORT/$database
fi

# A port nothing listens on; whoever takes it first otherwise fails to start.
free_port() {
	local candidate
	for _ in $(seq 1 50); do
		candidate=$((20000 + RANDOM % 12000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then
			echo "$candidate"
			return 0
		fi
	done
	echo "No free port found" >&2
	return 1
}

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
	gateway_log=$work/sync-gateway-$size.log
	echo
	echo "Starting sync-gateway on 127.0.0.1:$port with clipsync.clips.max-size=$size (log $gateway_log) ..."
	"$java_bin" "${gateway_opts[@]}" -jar "$gateway_jar" \
		--server.port="$port" \
		--spring.datasource.url="$db_url" \
		--spring.datasource.username="$PGUSER" \
		--spring.data.redis.url="$REDIS_URL" \
		--clipsync.redis.key-prefix="$run_id" \
		--clipsync.tokens.jwks-uri="http://127.0.0.1:$jwks_port/.well-known/jwks.json" \
		--clipsync.clips.max-size="$size" \
		--logging.structured.format.console= \
		>"$gateway_log" 2>&1 &
	gateway_pid=$!

	ready=
	for _ in $(seq 1 120); do
		kill -0 "$gateway_pid" 2>/dev/null || { echo "sync-gateway exited during start-up" >&2; exit 1; }
		if curl -sf --max-time 2 "http://127.0.0.1:$port/actuator/health/readiness" | grep -q '"UP"'; then
			ready=1
			break
		fi
		sleep 0.5
	done
	[[ -n "$ready" ]] || { echo "sync-gateway not ready after 60 s" >&2; exit 1; }

	timeout "${BENCH_TIMEOUT:-240}" "$java_bin" -Xmx1g -XX:+UseSerialGC -cp "$bench_jar" \
		dev.clipsync.bench.idle.IdleConnections \
		--url="ws://127.0.0.1:$port/v1/sync" --gateway-pid="$gateway_pid" --jwks-port="$jwks_port" \
		--label="clipsync.clips.max-size=$size" "${steps[@]}" "$@"
	stop_gateway
done
