#!/usr/bin/env bash
# Stops everything cluster-up started (by the PIDs it recorded), removes the node's network
# namespace and the cluster state. What is cache stays: built binaries (.cache/bin) and the
# imported images (containerd's content store in .cache/containerd).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
for lib in images cluster; do source "$REPO_ROOT/hack/lib/$lib.sh"; done

[[ $EUID -eq 0 ]] || die "run as root"
export PATH="$REPO_ROOT/node_modules/.bin:$PATH"
started=$SECONDS
lock_machine
owner="$(cat "$RUN_DIR/owner" 2>/dev/null)" || owner=""
if [[ -n $owner && $owner != "$CACHE_DIR" ]]; then
  die "the cluster running here was started with cache $owner: run 'KAMAJI_CACHE_DIR=$owner bash hack/cluster-down.sh'"
fi

step "stop pods" stop_workloads
stop_components() {
  local index
  for ((index = ${#COMPONENTS[@]} - 1; index >= 0; index--)); do stop_component "${COMPONENTS[index]}"; done
}
step "stop components" stop_components
step "unmount volumes and container filesystems" unmount_below "$CLUSTER_DIR" "$RUN_DIR"
remove_pod_cgroups
step "remove network namespace $NETNS" teardown_network
rm -rf "$CLUSTER_DIR" "$RUN_DIR"
log "cluster down ($((SECONDS - started))s)"
