#!/usr/bin/env bash
# Brings up the local management cluster (idempotent: what runs already is kept) and deploys
# Kamaji-TS into it. State and logs: .cache/cluster/ (or $KAMAJI_CACHE_DIR/cluster/).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
for lib in prereqs build images cluster addons; do source "$REPO_ROOT/hack/lib/$lib.sh"; done

[[ $EUID -eq 0 ]] || die "run as root: the cluster needs a network namespace, containerd and iptables"
started=$SECONDS
lock_machine

install_prerequisites
build_components "${ALL_COMPONENTS[@]}"

log "==> node network"
take_over_machine
setup_network
step "certificates and kubeconfigs (kubeadm init phase certs/kubeconfig)" make_pki
write_node_configs

log "==> control plane"
start_etcd
start_kamaji_etcd
step "wait for etcd" wait_until etcd 60 etcd_healthy
step "wait for the Kamaji etcd" wait_until "Kamaji etcd" 60 kamaji_etcd_healthy
start_kube_apiserver
step "wait for kube-apiserver /readyz" wait_until "kube-apiserver /readyz" 180 apiserver_ready
bind_kubeadm_roles
start_kube_controller_manager
start_kube_scheduler

log "==> node"
start_containerd
step "wait for containerd" wait_until containerd 60 containerd_ready
step "container images" build_images
start_kubelet
start_kube_proxy
step "wait for node $NODE_NAME Ready" wait_until "node $NODE_NAME Ready" 180 node_ready

step "deploy CoreDNS" deploy_coredns
step "deploy Kamaji-TS (deploy/apiservice)" deploy_kamaji
step "DataStore default (the Kamaji etcd)" create_default_datastore

log "cluster up in $((SECONDS - started))s: node $NODE_NAME ($NODE_IP), API server https://$NODE_IP:$APISERVER_PORT"
cat <<TEXT

Use it with kubectl:

  export KUBECONFIG=$ADMIN_KUBECONFIG
  kubectl get nodes -o wide
  kubectl get apiservice v1alpha1.tenancy.kamaji.io

TEXT
