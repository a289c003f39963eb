# Builds the upstream components from their Go modules into $BIN_DIR.
# Each component is rebuilt only when its binary is missing or was built for another version
# (a stamp file beside it records the version). Go's module and build caches (~/go,
# ~/.cache/go-build) make a rebuild after a version bump incremental.
# shellcheck shell=bash

UPSTREAM_DIR="$REPO_ROOT/hack/upstream"
KUBERNETES_BINARIES=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubeadm)
ALL_COMPONENTS=(etcd kine kubernetes pause konnectivity coredns)

# go_build <module dir> <output binary> <package> [extra go build args...]
go_build() {
  local dir="$1" out="$2" pkg="$3"; shift 3
  (cd "$dir" && CGO_ENABLED="${CGO_ENABLED:-0}" go build -trimpath "$@" -o "$out" "$pkg")
}

# up_to_date <version> <binary>...: true when every binary exists with that version's stamp.
up_to_date() {
  local version="$1"; shift
  local bin
  for bin in "$@"; do
    [[ -x "$BIN_DIR/$bin" && "$(cat "$BIN_DIR/.$bin.version" 2>/dev/null)" == "$version" ]] || return 1
  done
}

stamp() {
  local version="$1"; shift
  local bin
  for bin in "$@"; do echo "$version" > "$BIN_DIR/.$bin.version"; done
}

# require_module_version <dir> <module> <version>: the committed go.mod must pin what versions.env says.
require_module_version() {
  local dir="$1" module="$2" version="$3" pinned
  pinned="$(cd "$dir" && go list -m -f '{{.Version}}' "$module")"
  [[ "$pinned" == "$version" ]] ||
    die "$dir/go.mod pins $module $pinned but hack/versions.env says $version: run 'bash hack/update-modules.sh'"
}

build_etcd() {
  if up_to_date "$ETCD_VERSION" etcd; then log "    etcd $ETCD_VERSION already built"; return; fi
  require_module_version "$UPSTREAM_DIR/etcd" go.etcd.io/etcd/server/v3 "$ETCD_VERSION"
  go_build "$UPSTREAM_DIR/etcd" "$BIN_DIR/etcd" go.etcd.io/etcd/server/v3 -ldflags '-s -w'
  stamp "$ETCD_VERSION" etcd
}

# kine without cgo uses modernc.org/sqlite (pure Go), so its binary is static like the others.
build_kine() {
  if up_to_date "$KINE_VERSION" kine; then log "    kine $KINE_VERSION already built"; return; fi
  require_module_version "$UPSTREAM_DIR/kine" github.com/k3s-io/kine "$KINE_VERSION"
  go_build "$UPSTREAM_DIR/kine" "$BIN_DIR/kine" github.com/k3s-io/kine \
    -ldflags "-s -w -X github.com/k3s-io/kine/pkg/version.Version=$KINE_VERSION"
  stamp "$KINE_VERSION" kine
}

# The version variables upstream's build stamps in (hack/lib/version.sh in k8s.io/kubernetes):
# kubeadm, kubelet and the API server report and compare them.
kubernetes_ldflags() {
  local minor="${KUBERNETES_VERSION#v1.}" flags="-s -w" pkg
  minor="${minor%%.*}"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    flags+=" -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    flags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  echo "$flags"
}

# All six in one go build, so the packages they share compile once.
build_kubernetes() {
  if up_to_date "$KUBERNETES_VERSION" "${KUBERNETES_BINARIES[@]}"; then
    log "    Kubernetes $KUBERNETES_VERSION already built"; return
  fi
  require_module_version "$UPSTREAM_DIR/kubernetes" k8s.io/kubernetes "$KUBERNETES_VERSION"
  local packages=() binary
  for binary in "${KUBERNETES_BINARIES[@]}"; do packages+=("k8s.io/kubernetes/cmd/$binary"); done
  (cd "$UPSTREAM_DIR/kubernetes" &&
    CGO_ENABLED=0 go build -trimpath -ldflags "$(kubernetes_ldflags)" -o "$BIN_DIR/" "${packages[@]}")
  stamp "$KUBERNETES_VERSION" "${KUBERNETES_BINARIES[@]}"
}

# The sandbox ("pause") container is C, not Go: compile the pause.c that the k8s.io/kubernetes
# module carries, statically, as upstream's image does.
build_pause() {
  if up_to_date "$KUBERNETES_VERSION/$PAUSE_VERSION" pause; then log "    pause already built"; return; fi
  local source
  source="$(cd "$UPSTREAM_DIR/kubernetes" && go mod download -json k8s.io/kubernetes | sed -n 's/.*"Dir": "\(.*\)",/\1/p')/build/pause/linux/pause.c"
  [[ -f $source ]] || die "pause.c not found at $source"
  gcc -Os -Wall -Werror -static -DVERSION="v$PAUSE_VERSION-kamaji" -o "$BIN_DIR/pause" "$source"
  strip "$BIN_DIR/pause"
  stamp "$KUBERNETES_VERSION/$PAUSE_VERSION" pause
}

build_konnectivity() {
  if up_to_date "$KONNECTIVITY_VERSION" proxy-server proxy-agent; then
    log "    konnectivity $KONNECTIVITY_VERSION already built"; return
  fi
  require_module_version "$UPSTREAM_DIR/konnectivity" sigs.k8s.io/apiserver-network-proxy "$KONNECTIVITY_VERSION"
  go_build "$UPSTREAM_DIR/konnectivity" "$BIN_DIR/proxy-server" sigs.k8s.io/apiserver-network-proxy/cmd/server -ldflags '-s -w'
  go_build "$UPSTREAM_DIR/konnectivity" "$BIN_DIR/proxy-agent" sigs.k8s.io/apiserver-network-proxy/cmd/agent -ldflags '-s -w'
  stamp "$KONNECTIVITY_VERSION" proxy-server proxy-agent
}

build_coredns() {
  if up_to_date "$COREDNS_VERSION" coredns; then log "    CoreDNS $COREDNS_VERSION already built"; return; fi
  require_module_version "$UPSTREAM_DIR/coredns" github.com/coredns/coredns "$COREDNS_VERSION"
  go_build "$UPSTREAM_DIR/coredns" "$BIN_DIR/coredns" github.com/coredns/coredns -ldflags '-s -w'
  stamp "$COREDNS_VERSION" coredns
}

build_component() {
  mkdir -p "$BIN_DIR"
  case "$1" in
    etcd) step "build etcd $ETCD_VERSION" build_etcd ;;
    kine) step "build kine $KINE_VERSION" build_kine ;;
    kubernetes) step "build Kubernetes $KUBERNETES_VERSION (${KUBERNETES_BINARIES[*]})" build_kubernetes ;;
    pause) step "build pause $PAUSE_VERSION" build_pause ;;
    konnectivity) step "build konnectivity $KONNECTIVITY_VERSION" build_konnectivity ;;
    coredns) step "build CoreDNS $COREDNS_VERSION" build_coredns ;;
    *) die "unknown component '$1' (known: ${ALL_COMPONENTS[*]})" ;;
  esac
}

build_components() {
  local component
  for component in "$@"; do build_component "$component"; done
}
