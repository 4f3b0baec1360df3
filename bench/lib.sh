# What the benchmark scripts share; sourced by them, not run. Sourcing it moves to the
# repository root, picks the JDK, and sets up a work directory and the cleanup that runs
# on exit: it stops the service under test, drops the throwaway database and deletes the
# Redis keys of this run.
#
# Environment (for every script that sources it):
#   CLIPSYNC_BENCH_DB_URL  JDBC URL of an existing database to use (not created or dropped)
#   PGHOST, PGPORT, PGUSER where to create the throwaway database (127.0.0.1, 5432, postgres)
#   REDIS_URL              Redis for the service (redis://127.0.0.1:6379)
#   PORT_RANGE             FROM-TO to take the services' ports from (20000-31999)
#
# Sets: root, java_bin, REDIS_URL, work, run_id (a unique Redis key prefix and database
# name part), and once asked for, db_url, service_pid and service_log.

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)

PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PGUSER=${PGUSER:-postgres}
export PGHOST PGPORT PGUSER
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}

java_major() {
	"$1" -version 2>&1 | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -n 1
}

# JDK 25: the one in JAVA_HOME or on the PATH if recent enough, else Temurin 25. The
# build uses it too, and so does jcmd where a bench attaches to the service.
java_bin=${JAVA_HOME:+$JAVA_HOME/bin/java}
java_bin=${java_bin:-$(command -v java || true)}
if [[ -z "$java_bin" || ! -x "$java_bin" || "$(java_major "$java_bin")" -lt 25 ]]; then
	export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
	java_bin=$JAVA_HOME/bin/java
fi
echo "Java: $java_bin ($(java_major "$java_bin"))"

work=$(mktemp -d "${TMPDIR:-/tmp}/clipsync-bench.XXXXXX")
run_id=bench$$$RANDOM
database=
db_url=
service_pid=
service_log=

# Stops the service started with start_service, if it still runs: politely, then after
# 30 s for good.
stop_service() {
	if [[ -n "$service_pid" ]] && kill -0 "$service_pid" 2>/dev/null; then
		kill "$service_pid"
		for _ in $(seq 1 60); do
			kill -0 "$service_pid" 2>/dev/null || break
			sleep 0.5
		done
		kill -0 "$service_pid" 2>/dev/null && kill -9 "$service_pid"
		wait "$service_pid" 2>/dev/null || true
	fi
	service_pid=
}

# Servers started with start_server, for runs with several (bench/delivery.sh).
server_pids=()

# start_server LOG COMMAND...: starts the command in the background, output to LOG, and
# adds it to server_pids; last_server_pid is its pid. Unlike start_service, any command.
start_server() {
	local log=$1
	shift
	"$@" >"$log" 2>&1 &
	last_server_pid=$!
	server_pids+=("$last_server_pid")
}

# Stops every server started with start_server: politely, then after 30 s for good.
stop_servers() {
	local pid
	for pid in "${server_pids[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for pid in "${server_pids[@]}"; do
		for _ in $(seq 1 60); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.5
		done
		kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
		wait "$pid" 2>/dev/null || true
	done
	server_pids=()
}

cleanup() {
	local status=$?
	set +e
	stop_service
	stop_servers
	if [[ -n "$database" ]]; then
		timeout 30 psql -q -v ON_ERROR_STOP=1 -d postgres -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" \
			|| echo "Could not drop database $database" >&2
	fi
	# Throttle keys expire anyway, other keys not; removed so that runs leave nothing behind.
	if command -v redis-cli >/dev/null; then
		timeout 30 redis-cli -u "$REDIS_URL" --scan --pattern "$run_id:*" \
			| timeout 30 xargs -r redis-cli -u "$REDIS_URL" del >/dev/null
	fi
	if [[ $status -ne 0 && -n "$service_log" && -s "$service_log" ]]; then
		echo "--- last lines of the service log ($service_log) ---" >&2
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

# Sets db_url: CLIPSYNC_BENCH_DB_URL, or a new database that cleanup drops.
create_database() {
	if [[ -n "${CLIPSYNC_BENCH_DB_URL:-}" ]]; then
		db_url=$CLIPSYNC_BENCH_DB_URL
	else
		database=clipsync_$run_id
		timeout 30 psql -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $database"
		db_url=jdbc:postgresql://$PGHOST:$PGPORT/$database
	fi
}

# A port nothing listens on, below the ephemeral range (32768 and up), so that no
# outgoing connection holds it either; whoever takes it first otherwise fails to start.
# PORT_RANGE=FROM-TO picks from that range instead (e.g. the one a developer was given).
free_port() {
	local candidate from=20000 span=12000
	if [[ -n "${PORT_RANGE:-}" ]]; then
		from=${PORT_RANGE%-*}
		span=$((${PORT_RANGE#*-} - from + 1))
	fi
	for _ in $(seq 1 50); do
		candidate=$((from + RANDOM % span))
		# Nothing listening, and (where ss is there) no socket bound to it either.
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null \
			&& { ! command -v ss >/dev/null || [[ -z "$(ss -Htan "sport = :$candidate" 2>/dev/null)" ]]; }; then
			echo "$candidate"
			return 0
		fi
	done
	echo "No free port found" >&2
	return 1
}

# start_service LOG JAVA_ARGS...: starts java with these arguments in the background,
# output to LOG; sets service_pid and service_log.
start_service() {
	service_log=$1
	shift
	"$java_bin" "$@" >"$service_log" 2>&1 &
	service_pid=$!
}

# wait_until_ready NAME BASE_URL: waits up to 60 s for the readiness probe to say UP.
wait_until_ready() {
	local name=$1 base_url=$2
	for _ in $(seq 1 120); do
		kill -0 "$service_pid" 2>/dev/null || { echo "$name exited during start-up" >&2; return 1; }
		if curl -sf --max-time 2 "$base_url/actuator/health/readiness" | grep -q '"UP"'; then
			return 0
		fi
		sleep 0.5
	done
	echo "$name not ready after 60 s" >&2
	return 1
}

# The kernel's DAMON memory monitors, where they run: a kdamond thread wakes once per sample
# interval and checks pages all over memory, taking much of a core for tens of
# milliseconds each time. Every process on the machine waits meanwhile, so latency tails
# measured here include those moments (docs/performance.md). Prints what runs and sets
# memory_monitors to name=pid pairs (kdamond.0=84), so that a bench can report their CPU
# beside the servers'.
memory_monitors=()
find_memory_monitors() {
	local kdamond module pid ops sample_us
	memory_monitors=()
	for kdamond in /sys/kernel/mm/damon/admin/kdamonds/[0-9]*; do
		[[ "$(cat "$kdamond/state" 2>/dev/null)" == on ]] || continue
		pid=$(cat "$kdamond/pid" 2>/dev/null) || continue
		ops=$(cat "$kdamond/contexts/0/operations" 2>/dev/null || echo '?')
		sample_us=$(cat "$kdamond/contexts/0/monitoring_attrs/intervals/sample_us" 2>/dev/null || echo 0)
		memory_monitor_found "kdamond.${kdamond##*/}" "$pid" ", $ops, a sample every $((sample_us / 1000)) ms"
	done
	# The same monitor started by a kernel module of its own instead (proactive reclaim,
	# LRU sorting, statistics).
	for module in /sys/module/damon_*/parameters; do
		[[ "$(cat "$module/enabled" 2>/dev/null)" == Y ]] || continue
		pid=$(cat "$module/kdamond_pid" 2>/dev/null || echo -1)
		[[ "$pid" -gt 0 ]] || continue
		memory_monitor_found "$(basename "$(dirname "$module")")" "$pid"
	done
}

# memory_monitor_found NAME PID [DETAILS]: notes one for find_memory_monitors.
memory_monitor_found() {
	local name=$1 pid=$2 details=${3:-}
	memory_monitors+=("$name=$pid")
	echo "Note: the kernel's DAMON memory monitor runs here ($name, pid $pid$details); it holds up the machine" \
		"briefly at each sample, and latency tails include that"
}
