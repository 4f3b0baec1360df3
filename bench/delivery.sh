#!/usr/bin/env bash
# Clip delivery under load, ClipSync and the Node.js peer (bench/peer) one after the other in
# the same run: for each system it starts GATEWAYS server processes on a fresh database and
# the machine's Redis, runs the delivery bench against them (which serves the JWK Set both
# check tokens against), stops them, and keeps the results. Arguments go to the bench (see
# --help), e.g. --users=100 --devices-per-user=2 --rate=100 --duration=10s.
#
# Environment (and those of bench/lib.sh: CLIPSYNC_BENCH_DB_URL, PGHOST, PGPORT, PGUSER,
# REDIS_URL, PORT_RANGE):
#   SYSTEMS            which systems, in this order ("clipsync peer"); clipsync-aot is
#                      ClipSync's gateways started with a JDK AOT cache (class linking and
#                      method profiles, JEP 483/515), made first by the training the image
#                      is built with (dev.clipsync.bench.training): 2,000 devices, 200
#                      pushes/s for 10 s
#   GATEWAYS           server processes per system (2)
#   RESULTS            folder for the JSON and markdown (bench/target/delivery/<time>)
#   DB_POOL            database connections per server process, the same for both (16)
#   GATEWAY_JAVA_OPTS  JVM options for the gateways (-XX:+UseCompactObjectHeaders, as the
#                      image runs them; set it empty for the JVM's defaults)
#   GATEWAY_JAR        run this gateway jar where it is, instead of a copy of the one built
#                      (a JDK AOT cache is valid only for the jar at the path it was made for)
#   LOAD_JAVA_OPTS     more JVM options for the load generator (it runs with -Xmx2g)
#   READY_TIMEOUT      longest wait for a server to be ready, in seconds (180)
#   BENCH_TIMEOUT      longest run of the bench jar per system, in seconds (900)
#   SKIP_BUILD=1       use the jars already built (and the peer's node_modules as they are)
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

SYSTEMS=${SYSTEMS:-clipsync peer}
GATEWAYS=${GATEWAYS:-2}
# The same pool for both systems; the machine's PostgreSQL allows 100 connections in all.
DB_POOL=${DB_POOL:-16}
RESULTS=${RESULTS:-$root/bench/target/delivery/$(date +%Y%m%d-%H%M%S)}
read -r -a gateway_opts <<<"${GATEWAY_JAVA_OPTS--XX:+UseCompactObjectHeaders}"
read -r -a load_opts <<<"${LOAD_JAVA_OPTS:-}"
mkdir -p "$RESULTS"

# Every device is a socket on the bench's side and one on a server's.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

if [[ "${SKIP_BUILD:-}" != 1 ]]; then
	echo "Building bench and sync-gateway ..."
	timeout 600 ./mvnw -q -B -DskipTests package -pl bench,sync-gateway -am
fi
if [[ " $SYSTEMS " == *" peer "* && ! -d bench/peer/node_modules ]]; then
	command -v npm >/dev/null || { echo "The peer needs Node.js 18 or later and npm" >&2; exit 1; }
	echo "Installing the peer's packages (npm ci) ..."
	(cd bench/peer && timeout 300 npm ci --no-audit --no-fund --loglevel=error)
fi

gateway_jar=${GATEWAY_JAR:-$work/sync-gateway.jar}
bench_jar=$work/bench.jar
[[ -n "${GATEWAY_JAR:-}" ]] || copy_jar "$root/sync-gateway/target/sync-gateway-0.1.0-SNAPSHOT.jar" "$gateway_jar"
copy_jar "$root/bench/target/bench-0.1.0-SNAPSHOT-all.jar" "$bench_jar"
create_database
pg_url=postgresql://$PGUSER@$PGHOST:$PGPORT/${db_url##*/}

# The machine's Redis and PostgreSQL are watched too, when they can be found: their CPU
# belongs to the figures as much as the servers'.
shared_processes=()
redis_pid=$(timeout 5 redis-cli -u "$REDIS_URL" info server 2>/dev/null | sed -n 's/^process_id:\([0-9]*\).*/\1/p')
[[ -n "$redis_pid" ]] && shared_processes+=(--process="redis=$redis_pid")
pg_data=$(timeout 5 psql -Atq -d postgres -c 'SHOW data_directory' 2>/dev/null || true)
if [[ -n "$pg_data" && -r "$pg_data/postmaster.pid" ]]; then
	shared_processes+=(--process="postgres=$(head -n 1 "$pg_data/postmaster.pid")")
fi
find_memory_monitors
for monitor in "${memory_monitors[@]}"; do
	shared_processes+=(--process="$monitor")
done

used_ports=()
distinct_port() {
	local port
	for _ in $(seq 1 20); do
		port=$(free_port)
		if [[ " ${used_ports[*]} " != *" $port "* ]]; then
			used_ports+=("$port")
			echo "$port"
			return 0
		fi
	done
	return 1
}

# Runs one system: starts its servers, loads them, stops them.
# run_system <system> <bench args...>
run_system() {
	local system=$1 kind jar extra_opts=()
	shift
	case $system in
	# AOTMode=on: a cache the JVM cannot use fails the start instead of being ignored.
	clipsync-aot) kind=clipsync jar=$aot_jar extra_opts=(-XX:AOTMode=on -XX:AOTCache="$aot_dir/gateway.aot") ;;
	*) kind=$system jar=$gateway_jar ;;
	esac
	used_ports=()
	jwks_port=$(distinct_port)
	used_ports+=("$jwks_port")
	urls=()
	watched=()
	for i in $(seq 1 "$GATEWAYS"); do
		port=$(distinct_port)
		used_ports+=("$port")
		log=$RESULTS/$system-$i.log
		case $kind in
		clipsync)
			start_server "$log" "$java_bin" "${gateway_opts[@]}" "${extra_opts[@]}" -jar "$jar" \
				--server.port="$port" \
				--spring.datasource.url="$db_url" \
				--spring.datasource.username="$PGUSER" \
				--spring.datasource.hikari.maximum-pool-size="$DB_POOL" \
				--spring.data.redis.url="$REDIS_URL" \
				--clipsync.redis.key-prefix="$run_id" \
				--clipsync.tokens.jwks-uri="http://127.0.0.1:$jwks_port/.well-known/jwks.json" \
				--logging.structured.format.console=
			health=http://127.0.0.1:$port/actuator/health/readiness
			;;
		peer)
			start_server "$log" env PORT="$port" DATABASE_URL="$pg_url" REDIS_URL="$REDIS_URL" \
				JWKS_URI="http://127.0.0.1:$jwks_port/.well-known/jwks.json" KEY_PREFIX="$run_id" \
				PG_POOL="$DB_POOL" node bench/peer/server.js
			health=http://127.0.0.1:$port/health
			;;
		*)
			echo "Unknown system '$system': SYSTEMS takes clipsync, clipsync-aot and peer" >&2
			exit 1
			;;
		esac
		pid=$last_server_pid
		echo "Started $system server $i on 127.0.0.1:$port (pid $pid, log $log)"
		ready=
		for _ in $(seq 1 $((2 * ${READY_TIMEOUT:-180}))); do
			kill -0 "$pid" 2>/dev/null || break
			if curl -sf --max-time 2 "$health" | grep -q 'UP'; then
				ready=1
				break
			fi
			sleep 0.5
		done
		if [[ -z "$ready" ]]; then
			echo "$system server $i did not become ready in ${READY_TIMEOUT:-180} s; last lines of $log:" >&2
			tail -n 20 "$log" >&2
			exit 1
		fi
		urls+=("ws://127.0.0.1:$port/v1/sync")
		watched+=(--process="$system-$i=$pid")
	done

	echo
	status=0
	timeout "${BENCH_TIMEOUT:-900}" "$java_bin" -Xmx2g "${load_opts[@]}" -cp "$bench_jar" dev.clipsync.bench.delivery.DeliveryLoad \
		--system="$system" --url="$(IFS=,; echo "${urls[*]}")" --jwks-port="$jwks_port" \
		"${watched[@]}" "${shared_processes[@]}" \
		--json="$RESULTS/$system.json" --markdown="$RESULTS/$system.md" "$@" || status=$?
	stop_servers
	if [[ $status -ne 0 ]]; then
		echo "The $system run reported failures (exit $status); its server logs are in $RESULTS" >&2
	fi
	echo
	return "$status"
}

# The AOT cache is valid only for the jar it was made with, at the same path, on the same
# JDK: the gateway jar is extracted once (the cache cannot map classes from nested jars),
# trained on by the same program the gateway's image is built with, and run from there.
aot_dir=$work/aot
aot_jar=$aot_dir/$(basename "$gateway_jar")
if [[ " $SYSTEMS " == *" clipsync-aot "* ]]; then
	echo "Training a JDK AOT cache for the gateway (one gateway, 2,000 devices) ..."
	# The extracted jar keeps the name of the jar it came from.
	"$java_bin" -Djarmode=tools -jar "$gateway_jar" extract --destination "$aot_dir" >/dev/null
	training=$RESULTS/aot-training
	mkdir -p "$training"
	"$java_bin" -cp "$bench_jar" dev.clipsync.bench.training.GatewayTraining --jar="$aot_jar" \
		--cache="$aot_dir/gateway.aot" --logs="$training" "${gateway_opts[@]/#/--java-option=}" \
		>"$training/output.log" 2>&1 ||
		{ echo "The training failed; its output: $training/output.log" >&2; exit 1; }
fi

for system in $SYSTEMS; do
	run_system "$system" "$@" || overall=1
done

echo "Results: $RESULTS"
cat "$RESULTS"/*.md
exit "${overall:-0}"
