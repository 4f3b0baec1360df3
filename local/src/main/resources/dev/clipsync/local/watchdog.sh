#!/usr/bin/env bash
# Started by clipsync-local: LAUNCHER_PID CHILDREN_FILE. When the launcher is gone without
# having stopped its children (it was killed hard), stop them in the launcher's order:
# services (SIGTERM, they drain), then Redis, then PostgreSQL (fast shutdown). A SIGTERM to
# this script means the launcher stopped everything itself: exit at once.
launcher=$1 children=$2
trap 'exit 0' TERM INT
while kill -0 "$launcher" 2>/dev/null; do sleep 1 & wait $!; done
echo "$(date -u +%FT%TZ) launcher $launcher is gone; stopping what it left"
mapfile -t lines <"$children"
pids=()
for line in "${lines[@]}"; do [[ $line == pid\ * ]] && pids+=("${line#pid }"); done
# every pid but the first (Redis) is a service
services=("${pids[@]:1}")
for pid in "${services[@]}"; do kill -TERM "$pid" 2>/dev/null; done
for _ in $(seq 1 30); do
  alive=0
  for pid in "${services[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
  ((alive)) || break
  sleep 1
done
for pid in "${services[@]}"; do kill -KILL "$pid" 2>/dev/null; done
[[ -n ${pids[0]:-} ]] && kill -TERM "${pids[0]}" 2>/dev/null
for line in "${lines[@]}"; do
  if [[ $line == postgres\ * ]]; then
    pidfile="${line#postgres }/postmaster.pid"
    [[ -f $pidfile ]] && kill -INT "$(head -n1 "$pidfile")" 2>/dev/null
  fi
done
echo "$(date -u +%FT%TZ) done"
