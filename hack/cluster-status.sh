#!/usr/bin/env bash
# Says which components of the local management cluster run, and how the node and API look.
set -uo pipefail
source "$(dirname "$0")/lib/common.sh"
for lib in images cluster; do source "$REPO_ROOT/hack/lib/$lib.sh"; done

running=0
for component in "${COMPONENTS[@]}"; do
  if is_running "$component"; then
    printf '%-24s running  pid %s\n' "$component" "$(cat "$PIDS_DIR/$component")"
    running=$((running + 1))
  else
    printf '%-24s stopped\n' "$component"
  fi
done
if ip netns list 2>/dev/null | grep -qw "^$NETNS"; then
  printf '%-24s present  node %s, host side %s\n' "netns $NETNS" "$NODE_IP" "$HOST_IP"
else
  printf '%-24s absent\n' "netns $NETNS"
fi
if is_running kube-apiserver && [[ -s $ADMIN_KUBECONFIG ]]; then
  printf '%-24s %s\n' "readyz" "$(kubectl_admin get --raw /readyz 2>&1)"
  kubectl_admin get nodes -o wide 2>&1
  kubectl_admin get apiservice v1alpha1.tenancy.kamaji.io 2>/dev/null
  echo "KUBECONFIG=$ADMIN_KUBECONFIG"
fi
echo "$running of ${#COMPONENTS[@]} components running"
