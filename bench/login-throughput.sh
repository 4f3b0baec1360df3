#!/usr/bin/env bash
# Login throughput of auth-service against the bcrypt bound, on this machine:
# builds, starts auth-service on a fresh database, runs the bench jar against it, and
# cleans up. Arguments go to the bench jar (see --help), e.g. --duration=30s.
#
# Environment (and those of bench/lib.sh: CLIPSYNC_BENCH_DB_URL, PGHOST, PGPORT, PGUSER,
# REDIS_URL):
#   BCRYPT_COST            the service's bcrypt cost, also given to the bench (10)
#   SERVICE_JAVA_OPTS      JVM options for auth-service (none: the JVM's defaults), e.g.
#                          a flight recording to see where a login's time goes
#   SKIP_BUILD=1           use the jars already built
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

BCRYPT_COST=${BCRYPT_COST:-10}

if [[ "${SKIP_BUILD:-}" != 1 ]]; then
	echo "Building bench and auth-service ..."
	# package, not install: the jars are taken from target/, nothing goes to ~/.m2.
	timeout 600 ./mvnw -q -B -DskipTests package -pl bench,auth-service -am
fi

service_jar=$work/auth-service.jar
bench_jar=$work/bench.jar
copy_jar "$root/auth-service/target/auth-service-0.1.0-SNAPSHOT.jar" "$service_jar"
copy_jar "$root/bench/target/bench-0.1.0-SNAPSHOT-all.jar" "$bench_jar"
create_database

port=$(free_port)
base_url=http://127.0.0.1:$port

echo "Starting auth-service on $base_url (database $db_url, log $work/auth-service.log) ..."
read -r -a service_opts <<<"${SERVICE_JAVA_OPTS:-}"
start_service "$work/auth-service.log" "${service_opts[@]}" -jar "$service_jar" \
	--server.port="$port" \
	--spring.datasource.url="$db_url" \
	--spring.datasource.username="$PGUSER" \
	--spring.data.redis.url="$REDIS_URL" \
	--clipsync.redis.key-prefix="$run_id" \
	--clipsync.passwords.bcrypt-cost="$BCRYPT_COST" \
	--clipsync.login.registrations-per-address=100000
wait_until_ready auth-service "$base_url"

echo "Running the benchmark ..."
status=0
timeout "${BENCH_TIMEOUT:-300}" "$java_bin" -jar "$bench_jar" --base-url="$base_url" \
	--bcrypt-cost="$BCRYPT_COST" "$@" || status=$?
if [[ $status -eq 124 ]]; then
	echo "The benchmark did not finish within ${BENCH_TIMEOUT:-300} s: for a longer --warmup or" \
		"--duration, raise BENCH_TIMEOUT (seconds)" >&2
fi
exit $status
