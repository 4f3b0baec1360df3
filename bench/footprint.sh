#!/usr/bin/env bash
# The local fleet's footprint (docs/decisions/0002-lean-local-fleet.md): how long
# ./clipsync-local takes until it says it is running, and the memory of every process it runs
# (the launcher's JVM with the front door, auth-service and presence-service, each gateway's JVM,
# PostgreSQL with all its backends, Redis): after start, and with DEVICES sync WebSockets connected through the one URL.
#
# Run 1 starts on an empty data folder (initdb, first start); runs 2..RUNS are warm starts on
# the same folder, as a person's second start. Memory is measured on the last run.
#
# Environment:
#   DEVICES      WebSockets to connect for the loaded measurement (1000; 0 skips it)
#   RUNS         starts in a row, the first cold (3)
#   PORT_BASE    first of the 8 ports used (28180; below the ephemeral range)
#   FLEET_OPTS   more launcher options, e.g. "--gateways 1"
#   LAUNCHER_JAVA_OPTS  the launcher's JVM options (default: those of ./clipsync-local)
#   SKIP_BUILD=1 use the jars already built
# Needs Linux (/proc) and curl. RSS counts shared pages once per process (PostgreSQL's shared
# buffers in every backend); PSS shares them out, so the PSS total is the fleet's real share.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk25.sh

DEVICES=${DEVICES:-1000}
RUNS=${RUNS:-3}
PORT_BASE=${PORT_BASE:-28180}
read -r -a fleet_opts <<<"${FLEET_OPTS:-}"
# the launcher's JVM as ./clipsync-local starts it
LAUNCHER_JAVA_OPTS=${LAUNCHER_JAVA_OPTS:-$(sed -n 's/^launcher_opts="\(.*\)"$/\1/p' clipsync-local)}
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
p=$PORT_BASE
ports=(--port $p --auth-port $((p + 1)) --gateway-ports $((p + 2)),$((p + 4)) --presence-port $((p + 3))
	--postgres-port $((p + 6)) --redis-port $((p + 7)))
url=http://127.0.0.1:$p

if [[ ${SKIP_BUILD:-} != 1 ]]; then
	echo "Building ..."
	timeout 900 ./mvnw -q -B -DskipTests package
fi
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

work=$(mktemp -d)
# a copy, so a rebuild while this runs does not change the launcher under it
cp local/target/local-0.1.0-SNAPSHOT.jar "$work/local.jar"
launcher=
ready=
cleanup() {
	if [[ -n $launcher ]] && kill -0 "$launcher" 2>/dev/null; then
		kill -TERM "$launcher"
		wait "$launcher" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

start_fleet() { # sets launcher and ready (seconds)
	# shellcheck disable=SC2086 # options, one a word
	java $LAUNCHER_JAVA_OPTS -jar "$work/local.jar" --repository . --data "$work/data" "${ports[@]}" \
		"${fleet_opts[@]}" >"$work/launcher.out" 2>&1 &
	launcher=$!
	for _ in $(seq 1 600); do
		if grep -q '^ClipSync is running.*(ready in [0-9.]* s)' "$work/launcher.out"; then
			ready=$(sed -n 's/.*(ready in \([0-9.]*\) s).*/\1/p' "$work/launcher.out" | tail -n1)
			return
		fi
		kill -0 "$launcher" 2>/dev/null || { cat "$work/launcher.out" >&2; exit 1; }
		sleep 0.5
	done
	echo "not running after 5 minutes" >&2
	exit 1
}

stop_fleet() {
	kill -TERM "$launcher"
	wait "$launcher" 2>/dev/null || true
	launcher=
}

kb() { # FIELD PID FILE -> kB from /proc (0 if gone)
	local v
	v=$(awk -v f="$1:" '$1 == f { print $2 }' "/proc/$2/$3" 2>/dev/null)
	echo "${v:-0}"
}

total_rss=0 total_pss=0
line() { # NAME PIDS...
	local name=$1 rss=0 pss=0 pid
	shift
	for pid in "$@"; do
		rss=$((rss + $(kb VmRSS "$pid" status)))
		pss=$((pss + $(kb Pss "$pid" smaps_rollup)))
	done
	total_rss=$((total_rss + rss)) total_pss=$((total_pss + pss))
	printf '  %-26s %8d %8d\n' "$name" $((rss / 1024)) $((pss / 1024))
}

memory() { # TITLE: one line per process, then the totals
	local pid cmd name postmaster
	total_rss=0 total_pss=0
	echo
	echo "$1"
	printf '  %-26s %8s %8s\n' process "RSS MB" "PSS MB"
	# with --separate-processes, auth-service and presence-service are lines of their own
	line "launcher, auth, presence" "$launcher"
	for pid in $(pgrep -P "$launcher"); do
		cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)
		case $cmd in
		*watchdog.sh*) name=watchdog ;;
		*redis-server*) name=redis ;;
		*-Dclipsync.local.service=*) # the name the launcher gives it
			name=$(grep -o -- '-Dclipsync.local.service=[a-z0-9-]*' <<<"$cmd" | cut -d= -f2)
			;;
		*) name=$(cat "/proc/$pid/comm" 2>/dev/null || echo "?") ;;
		esac
		line "$name" "$pid"
	done
	postmaster=$(head -n1 "$work/data/postgres/postmaster.pid")
	# shellcheck disable=SC2046 # one pid per word
	line "postgres (all processes)" "$postmaster" $(pgrep -P "$postmaster")
	printf '  %-26s %8d %8d\n' TOTAL $((total_rss / 1024)) $((total_pss / 1024))
}

for run in $(seq 1 "$RUNS"); do
	start_fleet
	kind=warm
	((run == 1)) && kind="cold (empty data folder)"
	echo "run $run, $kind: ready in $ready s"
	((run < RUNS)) && stop_fleet
done
sleep 5 # let start-up garbage settle, as a person's fleet would before use
memory "After start (run $RUNS):"

if ((DEVICES > 0)); then
	# 40 devices per account (20 connections per user per gateway, two gateways), each account
	# registered from its own loopback address: registrations are limited per client address.
	users=$(((DEVICES + 39) / 40))
	for i in $(seq 1 "$users"); do
		email="footprint-$i-$RANDOM@example.com"
		curl -sf --interface "127.0.$((i / 250)).$((10 + i % 240))" -o /dev/null "$url/v1/auth/register" \
			-H 'Content-Type: application/json' -d "{\"email\":\"$email\",\"password\":\"correct horse\"}"
		echo "$email" >>"$work/emails"
	done
	coproc devices { java -cp bench/target/bench-0.1.0-SNAPSHOT-all.jar \
		dev.clipsync.bench.footprint.ConnectedDevices --url "$url" --emails "$work/emails" --devices "$DEVICES"; }
	read -r line <&"${devices[0]}"
	echo "$line (through $url)"
	sleep 5
	memory "With $DEVICES devices connected:"
	exec {devices[1]}>&-
	wait "$devices_PID" || true
fi
