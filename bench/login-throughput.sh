#!/usr/bin/env bash
# Login throughput of auth-service against the bcrypt bound, on this machine:
# builds, starts auth-service on a fresh database, runs the bench jar against it, and
# cleans up. Arguments go to the bench jar (see --help), e.g. --duration=30s.
#
# Environment:
#   CLIPSYNC_BENCH_DB_URL  JDBC URL of an existing database to use (not created or dropped)
#   PGHOST, PGPORT, PGUSER where to create the throwaway database (127.0.0.1, 5432, postgres)
#   REDIS_URL              Redis for auth-service (redis://127.0.0.1:6379)
#   BCRYPT_COST            the service's bcrypt cost, also given to the bench (10)
#   SKIP_BUILD=1           use the jars already built
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)

PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PGUSER=${PGUSER:-postgres}
export PGHOST PGPORT PGUSER
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
BCRYPT_COST=${BCRYPT_COST:-10}

java_major() {
	"$1" -version 2>&1 | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -n 1
}

# JDK 25: the one in JAVA_HOME or on the PATH if recent enough, else Temurin 25.
java_bin=${JAVA_HOME:+$JAVA_HOME/bin/java}
java_bin=${java_bin:-$(command -v java || true)}
if [[ -z "$java_bin" || ! -x "$java_bin" || "$(java_major "$java_bin")" -lt 25 ]]; then
	export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
	java_bin=$JAVA_HOME/bin/java
fi
echo "Java: $java_bin ($(java_major "$java_bin"))"

if [[ "${SKIP_BUILD:-}" != 1 ]]; then
	echo "Building bench and auth-service ..."
	timeout 600 ./mvnw -q -B -DskipTests install -pl bench -am
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/clipsync-bench.XXXXXX")
service_log=$work/auth-service.log
run_id=bench$$$RANDOM
database=
service_pid=

cleanup() {
	local status=$?
	set +e
	if [[ -n "$service_pid" ]] && kill -0 "$service_pid" 2>/dev/null; then
		kill "$service_pid"
		for _ in $(seq 1 30); do
			kill -0 "$service_pid" 2>/dev/null || break
			sleep 0.5
		done
		kill -0 "$service_pid" 2>/dev/null && kill -9 "$service_pid"
		wait "$service_pid" 2>/dev/null
	fi
	if [[ -n "$database" ]]; then
		timeout 30 psql -q -v ON_ERROR_STOP=1 -d postgres -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" \
			|| echo "Could not drop database $database" >&2
	fi
	# The service's throttle keys expire anyway; removed so that runs leave nothing behind.
	if command -v redis-cli >/dev/null; then
		timeout 30 redis-cli -u "$REDIS_URL" --scan --pattern "$run_id:*" \
			| timeout 30 xargs -r redis-cli -u "$REDIS_URL" del >/dev/null
	fi
	if [[ $status -ne 0 && -s "$service_log" ]]; then
		echo "--- last lines of the auth-service log ($service_log) ---" >&2
		tail -n 30 "$service_log" >&2
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
service_jar=$work/auth-service.jar
bench_jar=$work/bench.jar
copy_jar "$root/auth-service/target/auth-service-0.1.0-SNAPSHOT.jar" "$service_jar"
copy_jar "$root/bench/target/bench-0.1.0-SNAPSHOT-all.jar" "$bench_jar"

if [[ -n "${CLIPSYNC_BENCH_DB_URL:-}" ]]; then
	db_url=$CLIPSYNC_BENCH_DB_URL
else
	database=clipsync_$run_id
	timeout 30 psql -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $database"
	db_url=jdbc:postgresql://$PGHOST:$PGPORT/$database
fi

# A port nothing listens on; the service fails to start if another process takes it first.
port=
for _ in $(seq 1 50); do
	candidate=$((20000 + RANDOM % 20000))
	if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then
		port=$candidate
		break
	fi
done
[[ -n "$port" ]] || { echo "No free port found" >&2; exit 1; }
base_url=http://127.0.0.1:$port

echo "Starting auth-service on $base_url (database $db_url, log $service_log) ..."
"$java_bin" -jar "$service_jar" \
	--server.port="$port" \
	--spring.datasource.url="$db_url" \
	--spring.datasource.username="$PGUSER" \
	--spring.data.redis.url="$REDIS_URL" \
	--clipsync.redis.key-prefix="$run_id" \
	--clipsync.passwords.bcrypt-cost="$BCRYPT_COST" \
	--clipsync.login.registrations-per-address=100000 \
	>"$service_log" 2>&1 &
service_pid=$!

ready=
for _ in $(seq 1 120); do
	kill -0 "$service_pid" 2>/dev/null || { echo "auth-service exited during start-up" >&2; exit 1; }
	if curl -sf --max-time 2 "$base_url/actuator/health/readiness" | grep -q '"UP"'; then
		ready=1
		break
	fi
	sleep 0.5
done
[[ -n "$ready" ]] || { echo "auth-service not ready after 60 s" >&2; exit 1; }

echo "Running the benchmark ..."
timeout "${BENCH_TIMEOUT:-300}" "$java_bin" -jar "$bench_jar" --base-url="$base_url" \
	--bcrypt-cost="$BCRYPT_COST" "$@"
