#!/usr/bin/env bash
# Idle cost of the desktop agent: CPU (share of one core) and resident memory of a
# connected `clipsync agent` on an Xvfb display with nothing being copied.
#
#   cli/bench/agent-idle.sh SERVER_URL [SECONDS]
#
# Needs: a running fleet at SERVER_URL (./clipsync-local), Xvfb, and the installed layout
# (./mvnw -pl cli -am package -DskipTests). Registers a throwaway account in a temporary
# profile folder; leaves nothing behind.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/jdk25.sh
server=${1:?usage: $0 SERVER_URL [SECONDS]}
seconds=${2:-60}
launcher=cli/target/clipsync/clipsync/bin/clipsync
work=$(mktemp -d)
export CLIPSYNC_CONFIG_DIR="$work/config"
cleanup() {
	[ -n "${agent:-}" ] && kill "$agent" 2>/dev/null || true
	[ -n "${xvfb:-}" ] && kill "$xvfb" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

echo "correct horse battery" | "$launcher" register --server "$server" --email "idle-$RANDOM$RANDOM@example.com" \
	--password-stdin >/dev/null
exec 3< <(Xvfb -displayfd 1 -screen 0 640x480x24 -nolisten tcp 2>/dev/null & echo "pid $!"; wait)
read -r _ xvfb <&3
read -r display <&3
DISPLAY=":$display" "$launcher" agent --log "$work/agent.log" 2>"$work/agent.err" &
launcher_pid=$!
until grep -q connected "$work/agent.err"; do sleep 1; done
agent=$(pgrep -P "$launcher_pid" java || echo "$launcher_pid")
echo "agent connected (pid $agent); warming up 20 s"
sleep 20
ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$agent/stat"; }
start=$(cpu)
sleep "$seconds"
end=$(cpu)
rss=$(awk '/VmRSS/ {print $2}' "/proc/$agent/status")
awk -v used="$((end - start))" -v ticks="$ticks" -v s="$seconds" -v rss="$rss" 'BEGIN {
	printf "idle CPU over %d s: %.2f%% of one core\n", s, 100 * used / ticks / s
	printf "RSS: %.1f MiB\n", rss / 1024
}'
