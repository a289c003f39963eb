#!/usr/bin/env bash
# Builds upstream components from their Go modules into .cache/bin/.
#   bash hack/build.sh                 everything
#   bash hack/build.sh etcd kine ...   only these (etcd, kine, kubernetes, konnectivity, coredns)
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$REPO_ROOT/hack/lib/build.sh"

if (($# == 0)); then set -- "${ALL_COMPONENTS[@]}"; fi
build_components "$@"
