#!/usr/bin/env bash
# Gateway memory while large blobs stream in (issue 13): UPLOADS uploads of SIZE_MIB MiB at
# once through the fleet's one URL, every gateway's resident memory (RSS) and used heap
# sampled every half second before, during and after. A gateway that streams uploads to
# PostgreSQL stays flat; one that holds a body in memory grows by SIZE_MIB per upload.
#
#   bench/blob-uploads.sh            against ./clipsync-local at http://127.0.0.1:8080
#
# Environment: URL (http://127.0.0.1:8080), AUTH_URL (URL; auth-service's own port, 8081,
# when URL is a gateway's), UPLOADS (10), SIZE_MIB (30).
# Needs a running ./clipsync-local (its gateways are found by process name), curl, openssl,
# Linux /proc and the JDK's jstat. Registers throwaway accounts (one per 5 uploads: the
# per-user quota is 256 MiB) and leaves their blobs to the fleet's retention.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk25.sh
URL=${URL:-http://127.0.0.1:8080}
# where accounts are made and logged in: the same URL, unless uploads go to one gateway directly
AUTH_URL=${AUTH_URL:-$URL}
UPLOADS=${UPLOADS:-10}
SIZE_MIB=${SIZE_MIB:-30}
PASSWORD="bench uploads are not a secret 7"

# The gateways of the fleet that serves URL (other fleets may run on the machine): the
# children of the launcher listening on URL's port, or of the gateway's launcher when URL is a
# gateway's own port.
port=$(echo "$URL" | sed -E 's|.*:([0-9]+).*|\1|')
listener=$(ss -ltnpH "sport = :$port" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2 || true)
if [[ -n $listener ]] && tr '\0' ' ' <"/proc/$listener/cmdline" | grep -q 'clipsync.local.service=sync-gateway'; then
	listener=$(ps -o ppid= -p "$listener" | tr -d ' ')
fi
gateways=$([[ -n $listener ]] && pgrep -P "$listener" -f 'clipsync.local.service=sync-gateway' || true)
if [[ -z $gateways ]]; then
	echo "No ./clipsync-local serves $URL; start it first" >&2
	exit 1
fi
work=$(mktemp -d)
sampler=
cleanup() {
	[[ -n $sampler ]] && kill "$sampler" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

head -c $((SIZE_MIB * 1048576)) /dev/urandom >"$work/blob"
digest=$(openssl dgst -sha256 -binary "$work/blob" | base64)

tokens=()
for i in $(seq 1 $(((UPLOADS + 4) / 5))); do
	email="blob-bench-$RANDOM$RANDOM@example.com"
	curl -sf -o /dev/null "$AUTH_URL/v1/auth/register" -H 'Content-Type: application/json' \
		-d "{\"email\":\"$email\",\"password\":\"$PASSWORD\"}"
	tokens+=("$(curl -sf "$AUTH_URL/v1/auth/login" -H 'Content-Type: application/json' \
		-d "{\"email\":\"$email\",\"password\":\"$PASSWORD\",\"device\":{\"name\":\"bench\",\"platform\":\"linux\"}}" |
		sed 's/.*"accessToken":"\([^"]*\)".*/\1/')")
done

# One line per sample: seconds, then per gateway "rss_mib/heap_mib".
sample() {
	local start=$SECONDS
	while true; do
		local line="$((SECONDS - start))"
		for pid in $gateways; do
			local rss heap
			rss=$(awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$pid/status" 2>/dev/null || echo 0)
			heap=$(jstat -gc "$pid" 2>/dev/null | awk 'NR == 2 {printf "%.0f", ($3 + $4 + $6 + $8) / 1024}' || true)
			line+=" $rss/${heap:-?}"
		done
		echo "$line"
		sleep 0.5
	done
}
sample >"$work/samples" &
sampler=$!
sleep 3
marker=$(wc -l <"$work/samples")

echo "Uploading $UPLOADS x $SIZE_MIB MiB at once to $URL/v1/blobs ..."
for i in $(seq 1 "$UPLOADS"); do
	token=${tokens[$(((i - 1) / 5))]}
	curl -s -o "$work/answer-$i" -w '%{http_code} %{time_total}\n' -X POST "$URL/v1/blobs" \
		-H "Authorization: Bearer $token" -H 'Content-Type: application/octet-stream' \
		-H "Digest: sha-256=$digest" -T "$work/blob" >"$work/status-$i" &
done
wait $(jobs -p | grep -v "^$sampler$") 2>/dev/null || true
during_end=$(wc -l <"$work/samples")
sleep 3
kill "$sampler" 2>/dev/null || true
sampler=

ok=0
for i in $(seq 1 "$UPLOADS"); do
	read -r code seconds <"$work/status-$i"
	if [[ $code == 201 ]] && grep -q "\"size\":$((SIZE_MIB * 1048576))" "$work/answer-$i"; then
		ok=$((ok + 1))
	fi
	echo "upload $i: HTTP $code in ${seconds}s$([[ $code != 201 ]] && echo ": $(head -c 300 "$work/answer-$i")")"
done

summary() { # from to -> per gateway "max rss / max heap"
	awk -v from="$1" -v to="$2" 'NR > from && NR <= to {
		for (i = 2; i <= NF; i++) { split($i, v, "/"); if (v[1] > r[i]) r[i] = v[1]; if (v[2] > h[i]) h[i] = v[2] }
		n = NF }
		END { for (i = 2; i <= n; i++) printf "%s%d MiB RSS / %d MiB heap", (i > 2 ? "; " : ""), r[i], h[i]; print "" }' "$work/samples"
}
echo
echo "| gateways (max over the phase) | before | during the uploads |"
echo "|---|---|---|"
echo "| $(echo $gateways | wc -w) gateway(s) | $(summary 0 "$marker") | $(summary "$marker" "$during_end") |"
echo
echo "$ok of $UPLOADS uploads answered 201 (total $((UPLOADS * SIZE_MIB)) MiB)."
[[ $ok == "$UPLOADS" ]]
