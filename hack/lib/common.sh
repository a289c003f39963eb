# Shared by every hack/ script: paths, pinned versions, progress output.
# shellcheck shell=bash

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE_DIR="${KAMAJI_CACHE_DIR:-$REPO_ROOT/.cache}"
BIN_DIR="$CACHE_DIR/bin"
CLUSTER_DIR="$CACHE_DIR/cluster"
# shellcheck source=../versions.env
source "$REPO_ROOT/hack/versions.env"
# Staging modules of k8s.io/kubernetes v1.X.Y are released as v0.X.Y.
KUBERNETES_STAGING_VERSION="v0.${KUBERNETES_VERSION#v1.}"
export PATH="/usr/local/go/bin:$PATH"

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
die() { printf '[%s] ERROR: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; exit 1; }

# step "description" command...: prints what runs and how long it took.
step() {
  local what="$1"; shift
  local started=$SECONDS
  log "==> $what"
  "$@"
  log "    done: $what ($((SECONDS - started))s)"
}
