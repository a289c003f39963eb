# The local management cluster: one node in its own network namespace, every component a plain
# process started from $BIN_DIR (PIDs in $CLUSTER_DIR/pids, logs in $CLUSTER_DIR/logs).
# shellcheck shell=bash

NETNS=kamaji-node
NODE_NAME=kamaji-node
VETH_HOST=kamaji-host            # host end of the veth pair; the node end is eth0 in $NETNS
HOST_IP=172.31.254.1             # a /29 that exists only on this veth
NODE_IP=172.31.254.2
NODE_SUBNET_BITS=29
POD_CIDR=10.244.0.0/16
NODE_POD_CIDR=10.244.0.0/24
SERVICE_CIDR=10.96.0.0/12
CLUSTER_DNS=10.96.0.10
APISERVER_PORT=6443
KAMAJI_ETCD_PORT=2479
RUN_DIR=/run/kamaji-ts           # unix sockets and containerd state (socket paths must stay short)
CONTAINERD_SOCKET="$RUN_DIR/containerd/containerd.sock"

PKI_DIR="$CLUSTER_DIR/pki"
KUBECONFIG_DIR="$CLUSTER_DIR/kubeconfig"
PIDS_DIR="$CLUSTER_DIR/pids"
LOGS_DIR="$CLUSTER_DIR/logs"
KAMAJI_ETCD_DIR="$CLUSTER_DIR/kamaji-etcd"
ADMIN_KUBECONFIG="$CLUSTER_DIR/admin.kubeconfig"
# Started in this order, stopped in the reverse one.
COMPONENTS=(etcd kamaji-etcd kube-apiserver kube-controller-manager kube-scheduler containerd kubelet kube-proxy)

kubectl_admin() { kubectl --kubeconfig "$ADMIN_KUBECONFIG" "$@"; }

# wait_until <description> <seconds> <command...>
wait_until() {
  local what="$1" timeout="$2"; shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die "timed out after ${timeout}s waiting for $what"
    sleep 1
  done
}

# ---------------------------------------------------------------- processes

# is_running <component>: its recorded PID is alive and still runs the program we started.
is_running() {
  local pid
  pid="$(cat "$PIDS_DIR/$1" 2>/dev/null)" || return 1
  [[ -n $pid && -r /proc/$pid/cmdline ]] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q -- "$(cat "$PIDS_DIR/$1.program")"
}

# start_component <name> <program> <args...>: runs it inside the node's network namespace.
# nsenter joins only the network namespace (not a private mount namespace as `ip netns exec`
# would make), so kubelet's volume mounts are visible to containerd and runc.
start_component() {
  local name="$1" program="$2"; shift 2
  if is_running "$name"; then log "    $name already running (pid $(cat "$PIDS_DIR/$name"))"; return; fi
  mkdir -p "$PIDS_DIR" "$LOGS_DIR"
  echo "$program" > "$PIDS_DIR/$name.program"
  # fd 9 is the machine lock (lock_machine): the component must not hold it.
  setsid nsenter --net="/run/netns/$NETNS" -- "$program" "$@" >> "$LOGS_DIR/$name.log" 2>&1 < /dev/null 9>&- &
  echo $! > "$PIDS_DIR/$name"
  log "    $name started (pid $!, log $LOGS_DIR/$name.log)"
}

stop_component() {
  local name="$1" pid
  if ! is_running "$name"; then rm -f "$PIDS_DIR/$name" "$PIDS_DIR/$name.program"; return; fi
  pid="$(cat "$PIDS_DIR/$name")"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 30); do [[ -d /proc/$pid ]] || break; sleep 0.5; done
  if [[ -d /proc/$pid ]]; then kill -9 "$pid" 2>/dev/null || true; fi
  rm -f "$PIDS_DIR/$name" "$PIDS_DIR/$name.program"
  log "    stopped $name (pid $pid)"
}

# ---------------------------------------------------------------- ownership

# cluster-up and cluster-down run one at a time on a machine (e2e runs of several clones may
# call them at once); a cluster-down started by a cluster-up inherits its lock.
lock_machine() {
  [[ ${KAMAJI_CLUSTER_LOCKED:-} == 1 ]] && return
  exec 9> /run/kamaji-ts.lock
  if ! flock -n 9; then
    log "    waiting for another cluster-up/cluster-down on this machine"
    flock 9
  fi
  export KAMAJI_CLUSTER_LOCKED=1
}

# One cluster per machine (the netns, addresses and ports are fixed). $RUN_DIR/owner names the
# cache directory whose PIDs describe the running one; a cluster-up from another clone (CI's
# fresh clone, say) first stops that one through its own records.
take_over_machine() {
  local owner
  owner="$(cat "$RUN_DIR/owner" 2>/dev/null)" || owner=""
  if [[ -n $owner && $owner != "$CACHE_DIR" ]]; then
    if [[ -d "$owner/cluster/pids" ]]; then
      log "    a cluster started with cache $owner runs here: stopping it first"
      KAMAJI_CACHE_DIR="$owner" bash "$REPO_ROOT/hack/cluster-down.sh"
    else
      log "    a cluster started with cache $owner (records gone) is here: stopping what runs in netns $NETNS"
      stop_orphaned_cluster
    fi
  fi
  mkdir -p "$RUN_DIR"
  echo "$CACHE_DIR" > "$RUN_DIR/owner"
}

# Without PID records, the kernel's are used: the processes in the node's network namespace
# (every component and containerd's shims) and those in kubelet's pod cgroups.
stop_orphaned_cluster() {
  local pid
  if ip netns list | grep -qw "^$NETNS"; then
    for pid in $(ip netns pids "$NETNS"); do kill -9 "$pid" 2>/dev/null || true; done
  fi
  kill_recorded_leftovers
  sleep 1
  unmount_below "$RUN_DIR"
  remove_pod_cgroups
  teardown_network
  rm -rf "$RUN_DIR"
}

# ---------------------------------------------------------------- network

setup_network() {
  if ! ip netns list | grep -qw "^$NETNS"; then ip netns add "$NETNS"; fi
  if ! ip link show "$VETH_HOST" >/dev/null 2>&1; then
    ip link add "$VETH_HOST" type veth peer name eth0 netns "$NETNS"
  fi
  ip addr replace "$HOST_IP/$NODE_SUBNET_BITS" dev "$VETH_HOST"
  ip link set "$VETH_HOST" up
  in_node() { ip netns exec "$NETNS" "$@"; }
  in_node ip link set lo up
  in_node ip addr replace "$NODE_IP/$NODE_SUBNET_BITS" dev eth0
  in_node ip link set eth0 up
  # No default route: the node reaches nothing but the host end of the veth. Service IPs get a
  # link route only so that locally generated packets pass routing before kube-proxy's DNAT.
  in_node ip route replace "$SERVICE_CIDR" dev eth0
  in_node sysctl -qw net.ipv4.ip_forward=1
  in_node sysctl -qw net.bridge.bridge-nf-call-iptables=1 2>/dev/null || true
  # Replies from the host to pods (throwaway datastores listen on $HOST_IP) go back over the veth.
  ip route replace "$POD_CIDR" via "$NODE_IP" dev "$VETH_HOST"
  log "    netns $NETNS: node $NODE_IP, host side $HOST_IP ($VETH_HOST)"
}

teardown_network() {
  ip route del "$POD_CIDR" via "$NODE_IP" dev "$VETH_HOST" 2>/dev/null || true
  ip link del "$VETH_HOST" 2>/dev/null || true
  if ip netns list | grep -qw "^$NETNS"; then ip netns del "$NETNS"; fi
}

# ---------------------------------------------------------------- PKI and kubeconfigs (kubeadm)

write_kubeadm_config() {
  mkdir -p "$CLUSTER_DIR"
  cat > "$CLUSTER_DIR/kubeadm.yaml" <<YAML
apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: $NODE_IP
  bindPort: $APISERVER_PORT
nodeRegistration:
  name: $NODE_NAME
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
clusterName: kamaji-management
kubernetesVersion: $KUBERNETES_VERSION
certificatesDir: $PKI_DIR
controlPlaneEndpoint: $NODE_IP:$APISERVER_PORT
networking:
  dnsDomain: cluster.local
  podSubnet: $POD_CIDR
  serviceSubnet: $SERVICE_CIDR
apiServer:
  certSANs: [$NODE_IP, 127.0.0.1, localhost]
etcd:
  local:
    serverCertSANs: [$NODE_IP]
    peerCertSANs: [$NODE_IP]
YAML
}

# kubeadm keeps certificates and kubeconfigs that already exist, so this is idempotent.
make_pki() {
  write_kubeadm_config
  "$BIN_DIR/kubeadm" init phase certs all --config "$CLUSTER_DIR/kubeadm.yaml" >/dev/null
  mkdir -p "$KUBECONFIG_DIR"
  "$BIN_DIR/kubeadm" init phase kubeconfig all --config "$CLUSTER_DIR/kubeadm.yaml" \
    --kubeconfig-dir "$KUBECONFIG_DIR" >/dev/null
  if [[ ! -s "$KUBECONFIG_DIR/kube-proxy.conf" ]]; then
    "$BIN_DIR/kubeadm" kubeconfig user --config "$CLUSTER_DIR/kubeadm.yaml" \
      --client-name system:kube-proxy > "$KUBECONFIG_DIR/kube-proxy.conf"
  fi
  cp "$KUBECONFIG_DIR/admin.conf" "$ADMIN_KUBECONFIG"
  # The Kamaji etcd and the Kamaji-TS serving certificate come from the project's own PKI.
  node "$REPO_ROOT/hack/kamaji-etcd-certs.ts" "$KAMAJI_ETCD_DIR" "$NODE_IP"
  node "$REPO_ROOT/hack/serving-cert.ts" "$CLUSTER_DIR/serving"
}

# ---------------------------------------------------------------- control plane

start_etcd() {
  start_component etcd "$BIN_DIR/etcd" --name "$NODE_NAME" --data-dir "$CLUSTER_DIR/etcd" \
    --listen-client-urls "https://127.0.0.1:2379,https://$NODE_IP:2379" \
    --advertise-client-urls "https://$NODE_IP:2379" \
    --listen-peer-urls "https://$NODE_IP:2380" --initial-advertise-peer-urls "https://$NODE_IP:2380" \
    --initial-cluster "$NODE_NAME=https://$NODE_IP:2380" --listen-metrics-urls http://127.0.0.1:2381 \
    --cert-file "$PKI_DIR/etcd/server.crt" --key-file "$PKI_DIR/etcd/server.key" \
    --client-cert-auth --trusted-ca-file "$PKI_DIR/etcd/ca.crt" \
    --peer-cert-file "$PKI_DIR/etcd/peer.crt" --peer-key-file "$PKI_DIR/etcd/peer.key" \
    --peer-client-cert-auth --peer-trusted-ca-file "$PKI_DIR/etcd/ca.crt" \
    --snapshot-count 10000 --experimental-initial-corrupt-check=true
}

# Kamaji-TS's own state and the tenants' default DataStore: client-certificate auth, reachable
# from pods and from the host at $NODE_IP:$KAMAJI_ETCD_PORT.
start_kamaji_etcd() {
  start_component kamaji-etcd "$BIN_DIR/etcd" --name kamaji-etcd --data-dir "$KAMAJI_ETCD_DIR/data" \
    --listen-client-urls "https://$NODE_IP:$KAMAJI_ETCD_PORT" \
    --advertise-client-urls "https://$NODE_IP:$KAMAJI_ETCD_PORT" \
    --listen-peer-urls http://127.0.0.1:2480 --initial-advertise-peer-urls http://127.0.0.1:2480 \
    --initial-cluster kamaji-etcd=http://127.0.0.1:2480 --listen-metrics-urls http://127.0.0.1:2481 \
    --cert-file "$KAMAJI_ETCD_DIR/server.crt" --key-file "$KAMAJI_ETCD_DIR/server.key" \
    --client-cert-auth --trusted-ca-file "$KAMAJI_ETCD_DIR/ca.crt"
}

etcd_healthy() {
  curl -fsS --cacert "$PKI_DIR/etcd/ca.crt" --cert "$PKI_DIR/etcd/healthcheck-client.crt" \
    --key "$PKI_DIR/etcd/healthcheck-client.key" "https://$NODE_IP:2379/health" | grep -q '"health":"true"'
}

kamaji_etcd_healthy() {
  curl -fsS --cacert "$KAMAJI_ETCD_DIR/ca.crt" --cert "$KAMAJI_ETCD_DIR/root.crt" \
    --key "$KAMAJI_ETCD_DIR/root.key" "https://$NODE_IP:$KAMAJI_ETCD_PORT/health" | grep -q '"health":"true"'
}

start_kube_apiserver() {
  start_component kube-apiserver "$BIN_DIR/kube-apiserver" \
    --advertise-address "$NODE_IP" --secure-port "$APISERVER_PORT" --allow-privileged=true \
    --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction \
    --enable-bootstrap-token-auth=true --client-ca-file "$PKI_DIR/ca.crt" \
    --tls-cert-file "$PKI_DIR/apiserver.crt" --tls-private-key-file "$PKI_DIR/apiserver.key" \
    --etcd-servers https://127.0.0.1:2379 --etcd-cafile "$PKI_DIR/etcd/ca.crt" \
    --etcd-certfile "$PKI_DIR/apiserver-etcd-client.crt" --etcd-keyfile "$PKI_DIR/apiserver-etcd-client.key" \
    --kubelet-client-certificate "$PKI_DIR/apiserver-kubelet-client.crt" \
    --kubelet-client-key "$PKI_DIR/apiserver-kubelet-client.key" \
    --kubelet-preferred-address-types InternalIP,ExternalIP,Hostname \
    --proxy-client-cert-file "$PKI_DIR/front-proxy-client.crt" \
    --proxy-client-key-file "$PKI_DIR/front-proxy-client.key" \
    --requestheader-client-ca-file "$PKI_DIR/front-proxy-ca.crt" \
    --requestheader-allowed-names front-proxy-client \
    --requestheader-username-headers X-Remote-User --requestheader-group-headers X-Remote-Group \
    --requestheader-extra-headers-prefix X-Remote-Extra- \
    --enable-aggregator-routing=true \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$PKI_DIR/sa.pub" --service-account-signing-key-file "$PKI_DIR/sa.key" \
    --service-cluster-ip-range "$SERVICE_CIDR"
}

apiserver_ready() { [[ "$(kubectl_admin get --raw /readyz 2>/dev/null)" == ok ]]; }

# The two bindings `kubeadm init` makes with the system:masters super-admin.conf: admin.conf's
# group kubeadm:cluster-admins is cluster-admin, and the API server's kubelet client may use the
# kubelet API (logs, exec, port-forward).
bind_kubeadm_roles() {
  local super=(kubectl --kubeconfig "$KUBECONFIG_DIR/super-admin.conf")
  {
    "${super[@]}" create clusterrolebinding kubeadm:cluster-admins --clusterrole cluster-admin \
      --group kubeadm:cluster-admins --dry-run=client -o yaml
    echo ---
    "${super[@]}" create clusterrolebinding kubeadm:apiserver-kubelet-client \
      --clusterrole system:kubelet-api-admin --user kube-apiserver-kubelet-client --dry-run=client -o yaml
  } | "${super[@]}" apply -f - >/dev/null
}

start_kube_controller_manager() {
  local conf="$KUBECONFIG_DIR/controller-manager.conf"
  start_component kube-controller-manager "$BIN_DIR/kube-controller-manager" \
    --kubeconfig "$conf" --authentication-kubeconfig "$conf" --authorization-kubeconfig "$conf" \
    --bind-address 127.0.0.1 --leader-elect=false --cluster-name kamaji-management \
    --client-ca-file "$PKI_DIR/ca.crt" --requestheader-client-ca-file "$PKI_DIR/front-proxy-ca.crt" \
    --root-ca-file "$PKI_DIR/ca.crt" --service-account-private-key-file "$PKI_DIR/sa.key" \
    --cluster-signing-cert-file "$PKI_DIR/ca.crt" --cluster-signing-key-file "$PKI_DIR/ca.key" \
    --use-service-account-credentials=true --controllers '*,bootstrapsigner,tokencleaner' \
    --allocate-node-cidrs=true --cluster-cidr "$POD_CIDR" --node-cidr-mask-size 24 \
    --service-cluster-ip-range "$SERVICE_CIDR"
}

start_kube_scheduler() {
  local conf="$KUBECONFIG_DIR/scheduler.conf"
  start_component kube-scheduler "$BIN_DIR/kube-scheduler" \
    --kubeconfig "$conf" --authentication-kubeconfig "$conf" --authorization-kubeconfig "$conf" \
    --bind-address 127.0.0.1 --leader-elect=false
}

# ---------------------------------------------------------------- node

# write_file <path>: standard input into the file, touched only if the content differs (kube-proxy
# exits when its configuration file changes); changed files are listed in CHANGED_CONFIGS.
CHANGED_CONFIGS=()
write_file() {
  local tmp
  tmp="$(mktemp "$1.XXXXXX")"
  cat > "$tmp"
  if cmp -s "$tmp" "$1"; then rm -f "$tmp"; else mv "$tmp" "$1"; CHANGED_CONFIGS+=("$1"); fi
}

# restart_if_changed <component> <config>: a running component whose configuration was just
# rewritten is stopped, so that the start that follows runs it with the new one.
restart_if_changed() {
  local changed
  for changed in "${CHANGED_CONFIGS[@]}"; do
    if [[ $changed == "$2" ]] && is_running "$1"; then log "    $1: configuration changed"; stop_component "$1"; fi
  done
}

write_node_configs() {
  mkdir -p "$CLUSTER_DIR/containerd" "$CLUSTER_DIR/cni/net.d" "$CLUSTER_DIR/kubelet" "$RUN_DIR/containerd"
  write_file "$CLUSTER_DIR/containerd/config.toml" <<TOML
version = 2
root = "$CACHE_DIR/containerd"
state = "$RUN_DIR/containerd/state"
[grpc]
  address = "$CONTAINERD_SOCKET"
[ttrpc]
  address = "$CONTAINERD_SOCKET.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$CLUSTER_DIR/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.k8s.io/pause:$PAUSE_VERSION"
  netns_mounts_under_state_dir = true
  # This machine withholds CAP_SYS_RESOURCE even from root, so a process may not lower its
  # oom_score_adj (kubelet asks -998 for sandboxes): cap it at containerd's own, as rootless does.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "$RUN_DIR/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$CLUSTER_DIR/cni/net.d"
TOML
  write_file "$CLUSTER_DIR/cni/net.d/10-kamaji.conflist" <<JSON
{
  "cniVersion": "1.0.0",
  "name": "kamaji",
  "plugins": [
    {
      "type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": false, "hairpinMode": true,
      "ipam": {
        "type": "host-local", "dataDir": "$CLUSTER_DIR/cni/ipam",
        "ranges": [[{ "subnet": "$NODE_POD_CIDR" }]], "routes": [{ "dst": "0.0.0.0/0" }]
      }
    },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
JSON
  # Pods with dnsPolicy Default get this: no resolver outside the node.
  printf 'nameserver %s\n' "$CLUSTER_DNS" | write_file "$CLUSTER_DIR/resolv.conf"
  write_file "$CLUSTER_DIR/kubelet/config.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
healthzBindAddress: 127.0.0.1
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $PKI_DIR/ca.crt}
authorization: {mode: Webhook}
cgroupDriver: cgroupfs
failSwapOn: false
failCgroupV1: false
containerRuntimeEndpoint: unix://$CONTAINERD_SOCKET
clusterDNS: [$CLUSTER_DNS]
clusterDomain: cluster.local
resolvConf: $CLUSTER_DIR/resolv.conf
rotateCertificates: false
# Locally built images cannot be pulled again: never garbage-collect them, never evict for disk.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: 100Mi, nodefs.available: "1%", imagefs.available: "1%", nodefs.inodesFree: "1%"}
YAML
  write_file "$CLUSTER_DIR/kube-proxy.yaml" <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clusterCIDR: $POD_CIDR
hostnameOverride: $NODE_NAME
bindAddress: $NODE_IP
metricsBindAddress: 127.0.0.1:10249
healthzBindAddress: 127.0.0.1:10256
nodePortAddresses: [primary]
clientConnection: {kubeconfig: $KUBECONFIG_DIR/kube-proxy.conf}
# conntrack limits are machine-wide: leave them as they are.
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
YAML
}

start_containerd() {
  restart_if_changed containerd "$CLUSTER_DIR/containerd/config.toml"
  start_component containerd /usr/bin/containerd --config "$CLUSTER_DIR/containerd/config.toml"
}

containerd_ready() { ctr --address "$CONTAINERD_SOCKET" version; }

start_kubelet() {
  restart_if_changed kubelet "$CLUSTER_DIR/kubelet/config.yaml"
  start_component kubelet "$BIN_DIR/kubelet" --config "$CLUSTER_DIR/kubelet/config.yaml" \
    --kubeconfig "$KUBECONFIG_DIR/kubelet.conf" --root-dir "$CLUSTER_DIR/kubelet/root" \
    --cert-dir "$CLUSTER_DIR/kubelet/pki" --hostname-override "$NODE_NAME" --node-ip "$NODE_IP"
}

start_kube_proxy() {
  restart_if_changed kube-proxy "$CLUSTER_DIR/kube-proxy.yaml"
  start_component kube-proxy "$BIN_DIR/kube-proxy" --config "$CLUSTER_DIR/kube-proxy.yaml"
}

node_ready() {
  [[ "$(kubectl_admin get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" == True ]]
}

# ---------------------------------------------------------------- teardown

# Pods are stopped through the CRI path (kubelet: StopPodSandbox, CNI DEL) while the control
# plane still runs; whatever remains is then killed through containerd, and last by the PIDs
# containerd itself recorded for its shims and the kernel for the pods' cgroups.
stop_workloads() {
  if is_running kube-apiserver && is_running kubelet && [[ -s $ADMIN_KUBECONFIG ]]; then
    stop_component kube-controller-manager
    stop_component kube-scheduler
    kubectl_admin delete pods --all --all-namespaces --grace-period=0 --force --wait=false >/dev/null 2>&1 || true
    local deadline=$((SECONDS + 60))
    while ((SECONDS < deadline)) && ctr_k8s tasks ls -q 2>/dev/null | grep -q .; do sleep 1; done
  fi
  stop_component kube-proxy
  stop_component kubelet
  if is_running containerd; then
    local id
    for id in $(ctr_k8s tasks ls -q 2>/dev/null); do
      ctr_k8s tasks kill -s SIGKILL "$id" >/dev/null 2>&1 || true
    done
    sleep 1
    for id in $(ctr_k8s tasks ls -q 2>/dev/null); do ctr_k8s tasks delete -f "$id" >/dev/null 2>&1 || true; done
    for id in $(ctr_k8s containers ls -q 2>/dev/null); do ctr_k8s containers delete "$id" >/dev/null 2>&1 || true; done
  fi
  kill_recorded_leftovers
}

kill_recorded_leftovers() {
  local file pid
  for file in "$RUN_DIR"/containerd/state/io.containerd.runtime.v2.task/k8s.io/*/{shim,init}.pid; do
    [[ -f $file ]] || continue
    pid="$(cat "$file")"
    [[ -n $pid ]] && kill -9 "$pid" 2>/dev/null || true
  done
  for file in /sys/fs/cgroup/pids/kubepods/tasks $(find /sys/fs/cgroup/pids/kubepods -name tasks 2>/dev/null); do
    [[ -f $file ]] || continue
    for pid in $(cat "$file"); do kill -9 "$pid" 2>/dev/null || true; done
  done
}

# Mounts made by kubelet and containerd below our directories, deepest first.
unmount_below() {
  local dir mount
  for dir in "$@"; do
    [[ -d $dir ]] || continue
    dir="$(realpath "$dir")"
    for mount in $(awk -v d="$dir" '$2 == d || index($2, d "/") == 1 {print $2}' /proc/self/mounts | sort -r); do
      umount -l "$mount" 2>/dev/null || true
    done
  done
}

# Empty kubepods cgroups that kubelet made, deepest first, in every v1 hierarchy.
remove_pod_cgroups() {
  local hierarchy
  for hierarchy in /sys/fs/cgroup/*/kubepods; do
    [[ -d $hierarchy ]] || continue
    find "$hierarchy" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  done
}
