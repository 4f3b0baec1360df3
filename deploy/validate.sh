#!/usr/bin/env bash
# Checks the deployment files (docs/deploy.md#checks):
#   1. renders k8s/base, k8s/overlays/dev and k8s/overlays/prod with kustomize;
#   2. validates every rendered object against strict Kubernetes JSON schemas (an unknown field,
#      a wrong type or an unknown kind fails) and docker-compose.yml against the Compose
#      specification schema (deploy/validate/validate.mjs);
#   3. how the objects fit together (deploy/validate/fit.mjs): nginx, the Ingress and the local
#      front door route exactly the routing table of docs/deploy.md; Services select one
#      workload's pods on a declared port; probes ask what each application serves on the port
#      it listens on; environment variables bind to real properties; NetworkPolicies let the
#      ingress controller reach exactly the routed services;
#   4. self-test: broken copies (unknown fields, wrong types, objects that do not fit) must FAIL,
#      for the injected reason, in the dev and the prod overlay.
# Installs what it lacks (node packages from deploy/validate/package-lock.json; kubectl through
# apt if absent), each step bounded in time; says nothing about tools already there.
# Last line: "N passed, M failed" (checks); exit status 1 if any check failed.
# shellcheck disable=SC2001,SC2016 # sed indents output; the perl edits below are literal
set -euo pipefail
cd "$(dirname "$0")/.."

VALIDATE_DIR=deploy/validate
INSTALL_TIMEOUT=${INSTALL_TIMEOUT:-300}
passed=0
failed=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

pass() { passed=$((passed + 1)); echo "ok    $*"; }
fail() { failed=$((failed + 1)); echo "FAIL  $*"; }
die() { echo "validate.sh: $*" >&2; exit 1; }

# ---------------------------------------------------------------- tools

# The overlays need kustomize 4.1 or newer (the `labels` field). kubectl has had it built in since
# 1.14, but Debian's own kubectl (package kubernetes-client, 1.20 in bookworm) carries kustomize
# 2.0.3, which cannot read these kustomizations: it is not used.
kustomize_ok() { # VERSION_STRING -> whether it is v4.1 or newer
  [[ $1 =~ v([0-9]+)\.([0-9]+) ]] || return 1
  local major=${BASH_REMATCH[1]} minor=${BASH_REMATCH[2]}
  ((major > 4 || (major == 4 && minor >= 1)))
}

render_cmd=()
find_kustomize() {
  if command -v kustomize >/dev/null && kustomize_ok "$(kustomize version 2>/dev/null)"; then
    render_cmd=(kustomize build)
  elif command -v kubectl >/dev/null \
    && kustomize_ok "$(kubectl version --client 2>/dev/null | grep -i '^kustomize version' || true)"; then
    render_cmd=(kubectl kustomize)
  else
    return 1
  fi
}

apt_install() {
  local quiet=(-o Dpkg::Use-Pty=0 -qq)
  timeout "$INSTALL_TIMEOUT" apt-get "${quiet[@]}" update >/dev/null \
    && DEBIAN_FRONTEND=noninteractive timeout "$INSTALL_TIMEOUT" \
      apt-get "${quiet[@]}" install -y --no-install-recommends "$@" >/dev/null
}

if ! find_kustomize; then
  # The machine images carry kubectl (with kustomize 5.5) as the Debian package "kubectl"; put
  # it back if an apt source offers it.
  echo "validate.sh: no kustomize >= 4.1 found; trying apt-get install kubectl" >&2
  apt_install kubectl || true
  find_kustomize || die "need kustomize >= 4.1: kubectl >= 1.21 or a standalone kustomize on PATH (Debian's kubernetes-client 1.20 is too old)"
fi

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "validate.sh: installing nodejs and npm with apt" >&2
  apt_install nodejs npm || die "could not install nodejs and npm"
fi

# npm ci only when the lockfile changed since the last install (a stamp inside node_modules).
stamp=$VALIDATE_DIR/node_modules/.installed-from-lock
lock_sum=$(sha256sum "$VALIDATE_DIR/package-lock.json" | cut -d' ' -f1)
if [[ ! -f $stamp || $(cat "$stamp") != "$lock_sum" ]]; then
  echo "validate.sh: npm ci in $VALIDATE_DIR" >&2
  (cd "$VALIDATE_DIR" && timeout "$INSTALL_TIMEOUT" npm ci --no-audit --no-fund --loglevel=error >&2) \
    || die "npm ci failed in $VALIDATE_DIR"
  echo "$lock_sum" >"$stamp"
fi

# ---------------------------------------------------------------- checks

validate() { # ARGS... : runs validate.mjs, output to stdout, adds its counts
  local out rc=0
  out=$(node "$VALIDATE_DIR/validate.mjs" "$@") || rc=$?
  grep -v '^counts: ' <<<"$out" || true
  local counts
  counts=$(grep '^counts: ' <<<"$out" | tail -n1 || true)
  if [[ $counts =~ ^counts:\ ([0-9]+)\ ([0-9]+)$ ]]; then
    passed=$((passed + BASH_REMATCH[1]))
    failed=$((failed + BASH_REMATCH[2]))
    if ((rc != 0 && BASH_REMATCH[2] == 0)); then fail "validate.mjs exited with $rc"; fi
  else
    fail "validate.mjs $* did not finish (exit status $rc)"
  fi
}

render() { # DIR OUTPUT LABEL -> renders DIR into OUTPUT; one check
  local err
  if err=$("${render_cmd[@]}" "$1" 2>&1 >"$2"); then
    pass "$3: rendered $1"
  else
    fail "$3: ${render_cmd[*]} $1"
    sed 's/^/        /' <<<"$err"
    return 1
  fi
}

k8s_args=()
for target in base overlays/dev overlays/prod; do
  label=${target#overlays/}
  if render "k8s/$target" "$work/$label.yaml" "$label"; then
    k8s_args+=(--k8s "$label=$work/$label.yaml")
  fi
done
validate "${k8s_args[@]}" --compose "compose=docker-compose.yml"

FRONT_DOOR_ROUTES=local/src/main/java/dev/clipsync/local/frontdoor/Routes.java
fit() { # REPO K8S_ARGS... : runs fit.mjs on REPO's files
  local repo=$1
  shift
  node "$VALIDATE_DIR/fit.mjs" --repo "$repo" "$@" --compose "$repo/docker-compose.yml" \
    --nginx "$repo/deploy/nginx/nginx.conf" --front-door "$repo/$FRONT_DOOR_ROUTES"
}
fit_args=()
for label in dev prod; do
  [[ -f $work/$label.yaml ]] && fit_args+=(--k8s "$label=$work/$label.yaml")
done
out=$(fit . "${fit_args[@]}") || true
grep -v '^counts: ' <<<"$out" || true
if [[ $(grep '^counts: ' <<<"$out" | tail -n1) =~ ^counts:\ ([0-9]+)\ ([0-9]+)$ ]]; then
  passed=$((passed + BASH_REMATCH[1]))
  failed=$((failed + BASH_REMATCH[2]))
else
  fail "fit.mjs did not finish"
fi

# ---------------------------------------------------------------- self-test

# Each case edits a copy, checks that the edit took, then expects validation to FAIL and to name
# the injected field. A case that passes means the check has gone blind: that is a failure.
broken() { # NAME FILE_IN_COPY EXPECTED_IN_OUTPUT PERL_SUBSTITUTION
  local name=$1 file=$2 expect=$3 edit=$4 copy="$work/selftest-$1"
  rm -rf "$copy" && mkdir -p "$copy"
  cp -r k8s docker-compose.yml "$copy/"
  perl -0pi -e "$edit" "$copy/$file"
  if cmp -s "$file" "$copy/$file"; then
    fail "self-test $name: the edit did not apply to $file"
    return
  fi
  local args out rc=0
  if [[ $file == k8s/* ]]; then
    if ! "${render_cmd[@]}" "$copy/k8s/overlays/dev" >"$copy/dev.yaml" 2>"$copy/render.err"; then
      fail "self-test $name: the broken copy did not render"; sed 's/^/        /' "$copy/render.err"
      return
    fi
    args=(--k8s "broken=$copy/dev.yaml")
  else
    args=(--compose "broken=$copy/docker-compose.yml")
  fi
  out=$(node "$VALIDATE_DIR/validate.mjs" "${args[@]}" 2>&1) || rc=$?
  if ((rc == 1)) && grep -q '^FAIL' <<<"$out" && grep -qF -- "$expect" <<<"$out"; then
    pass "self-test $name: rejected ($(grep -m1 -F -- "$expect" <<<"$out" | sed 's/^ *//'))"
  else
    fail "self-test $name: validation did not fail on it (exit status $rc)"
    sed 's/^/        /' <<<"$out"
  fi
}

broken unknown-field k8s/base/auth-service.yaml 'unknown field "replicas2"' \
  's/^(  replicas: 2\n)/$1  replicas2: 3\n/m'
broken nested-unknown-field k8s/base/presence-service.yaml 'unknown field "imagePullPolicyy"' \
  's/^(          image: clipsync\/presence-service\n)/$1          imagePullPolicyy: Always\n/m'
broken wrong-type k8s/base/sync-gateway.yaml '/spec/revisionHistoryLimit: must be integer' \
  's/^  revisionHistoryLimit: 5$/  revisionHistoryLimit: five/m'
broken networkpolicy-unknown-field k8s/overlays/dev/network-policies.yaml 'unknown field "podSelectr"' \
  's/^(  ingress:\n    - from:\n)        - podSelector:/$1        - podSelectr:/m'
broken compose-unknown-field docker-compose.yml 'unknown field "restart_polcy"' \
  's/^(  postgres:\n    image: [^\n]*\n)/$1    restart_polcy: always\n/m'
broken compose-wrong-type docker-compose.yml '/services/postgres/hostname: must be string' \
  's/^(  postgres:\n    image: [^\n]*\n)/$1    hostname: [postgres]\n/m'

# Objects that are each valid but do not fit together: fit.mjs must FAIL on the injected reason.
misfit() { # NAME OVERLAY FILE EXPECTED_IN_OUTPUT PERL_SUBSTITUTION
  local name=$1 overlay=$2 file=$3 expect=$4 edit=$5 copy="$work/misfit-$1"
  rm -rf "$copy" && mkdir -p "$copy/deploy" "$copy/$(dirname "$FRONT_DOOR_ROUTES")"
  cp -r k8s docs docker-compose.yml "$copy/"
  cp -r deploy/nginx "$copy/deploy/"
  cp "$(dirname "$FRONT_DOOR_ROUTES")"/*.java "$copy/$(dirname "$FRONT_DOOR_ROUTES")/"
  for service in auth-service sync-gateway presence-service; do
    mkdir -p "$copy/$service/src/main/resources"
    cp "$service/src/main/resources/application.yaml" "$copy/$service/src/main/resources/"
  done
  perl -0pi -e "$edit" "$copy/$file"
  if cmp -s "$file" "$copy/$file"; then
    fail "self-test $name: the edit did not apply to $file"
    return
  fi
  if ! "${render_cmd[@]}" "$copy/k8s/overlays/$overlay" >"$copy/$overlay.yaml" 2>"$copy/render.err"; then
    fail "self-test $name: the broken copy did not render"; sed 's/^/        /' "$copy/render.err"
    return
  fi
  local out rc=0
  out=$(fit "$copy" --k8s "$overlay=$copy/$overlay.yaml" 2>&1) || rc=$?
  if ((rc == 1)) && grep -q '^FAIL' <<<"$out" && grep -qF -- "$expect" <<<"$out"; then
    pass "self-test $name ($overlay): rejected ($(grep -m1 -F -- "$expect" <<<"$out" | sed 's/^ *//'))"
  else
    fail "self-test $name ($overlay): fit.mjs did not fail on it (exit status $rc)"
    sed 's/^/        /' <<<"$out"
  fi
}

misfit service-selector prod k8s/base/sync-gateway.yaml 'matches 0 Deployments' \
  's/^(spec:\n  selector:\n    app.kubernetes.io\/name: )sync-gateway$/${1}sync-gatewey/m'
misfit probe-path dev k8s/base/presence-service.yaml 'which presence-service does not serve' \
  's/path: \/actuator\/health\/readiness,/path: \/actuator\/health\/ready,/'
misfit container-port prod k8s/base/presence-service.yaml 'presence-service listens on 8083' \
  's/containerPort: 8083/containerPort: 8084/'
misfit env-name prod k8s/base/sync-gateway.yaml 'env CLIPSYNC_TOKENS_JWKS_URL binds to no property' \
  's/name: CLIPSYNC_TOKENS_JWKSURI/name: CLIPSYNC_TOKENS_JWKS_URL/'
misfit network-policy dev k8s/base/network-policies.yaml 'needs sync-gateway:8082 from the ingress controller' \
  's/- \{protocol: TCP, port: 8082\}/- {protocol: TCP, port: 8085}/'
misfit ingress-path prod k8s/base/ingress.yaml 'not in the routing table: prefix /v1/presences' \
  's/path: \/v1\/presence$/path: \/v1\/presences/m'
misfit nginx-route dev deploy/nginx/nginx.conf 'missing: exact /.well-known/jwks.json' \
  's/location = \/\.well-known\/jwks\.json/location = \/.well-known\/jwks/'
misfit front-door-route dev "$FRONT_DOOR_ROUTES" 'missing: prefix /v1/blobs -> sync-gateway' \
  's/"\/v1\/blobs", "\/v1\/blobs\/\*\*"/"\/v1\/blobs"/'
misfit compose-env dev docker-compose.yml 'env SERVER_TOMCAT_REMOTEIP_INTERNAL_PROXY binds to no property' \
  's/SERVER_TOMCAT_REMOTEIP_INTERNALPROXIES: \*edge-proxy/SERVER_TOMCAT_REMOTEIP_INTERNAL_PROXY: *edge-proxy/'

echo "$passed passed, $failed failed"
((failed == 0))
