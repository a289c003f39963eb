# Builds container images from the binaries in $BIN_DIR, by hand (no Docker engine): one layer tar,
# a config JSON and a manifest.json in a docker-archive, imported into containerd's k8s.io
# namespace under the upstream name, so pod specs naming upstream images run unchanged with
# imagePullPolicy IfNotPresent. An image is rebuilt and re-imported only when its inputs changed.
# shellcheck shell=bash

IMAGES_DIR="$CACHE_DIR/images"
KAMAJI_IMAGE=localhost/kamaji-ts:dev

ctr_k8s() { ctr --address "$CONTAINERD_SOCKET" -n k8s.io "$@"; }

# The files every image gets: users, groups and a writable /tmp, as distroless bases have.
base_rootfs() {
  local rootfs="$1"
  mkdir -p "$rootfs/etc" "$rootfs/tmp" "$rootfs/usr/local/bin"
  chmod 1777 "$rootfs/tmp"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > "$rootfs/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n' > "$rootfs/etc/group"
  printf 'hosts: files dns\n' > "$rootfs/etc/nsswitch.conf"
}

# add_libraries <rootfs> <binary>: the shared libraries ldd resolves for it, at the same paths
# as on this machine.
add_libraries() {
  local rootfs="$1" binary="$2" library
  for library in $(ldd "$binary" | grep -o '/[^ ]*'); do
    [[ -e "$rootfs$library" ]] || install -D -m 0755 "$(readlink -f "$library")" "$rootfs$library"
  done
}

# add_dynamic <rootfs> <binary> <dest>: a dynamically linked program plus its libraries.
add_dynamic() {
  install -D -m 0755 "$2" "$1$3"
  add_libraries "$1" "$2"
}

# inputs_key <paths...>: changes when any input file changes (path, size, mtime).
inputs_key() {
  find "$@" -printf '%p %s %T@\n' 2>/dev/null | sort | sha256sum | cut -d' ' -f1
}

# pack_image <ref> <rootfs> <entrypoint JSON array or ""> <workdir> <archive>
pack_image() {
  local ref="$1" rootfs="$2" entrypoint="$3" workdir="$4" archive="$5"
  local work layer_sum config config_sum
  work="$(mktemp -d "$IMAGES_DIR/pack.XXXXXX")"
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$rootfs" -cf "$work/layer.tar" .
  layer_sum="$(sha256sum "$work/layer.tar" | cut -d' ' -f1)"
  mkdir "$work/$layer_sum" && mv "$work/layer.tar" "$work/$layer_sum/layer.tar"
  config='{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z","config":{"Env":["PATH=/usr/local/bin:/usr/local/sbin:/usr/bin:/usr/sbin:/bin:/sbin"]'
  [[ -n $entrypoint ]] && config+=",\"Entrypoint\":$entrypoint"
  config+=",\"WorkingDir\":\"$workdir\"},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:$layer_sum\"]}"
  config+=',"history":[{"created":"1970-01-01T00:00:00Z","created_by":"hack/lib/images.sh"}]}'
  printf '%s' "$config" > "$work/config.json"
  config_sum="$(sha256sum "$work/config.json" | cut -d' ' -f1)"
  mv "$work/config.json" "$work/$config_sum.json"
  printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["%s/layer.tar"]}]' "$config_sum" "$ref" "$layer_sum" > "$work/manifest.json"
  tar -C "$work" -cf "$archive" manifest.json "$config_sum.json" "$layer_sum"
  rm -rf "$work"
}

# image <ref> <entrypoint JSON or ""> <workdir> <stage function> <inputs...>
# Stages a rootfs with the function, packs and imports it, unless the same inputs were already
# imported and containerd still has the image.
image() {
  local ref="$1" entrypoint="$2" workdir="$3" stage="$4"; shift 4
  local name key stamp rootfs archive
  name="$(echo "$ref" | tr '/:' '__')"
  key="$(inputs_key "$@" "$REPO_ROOT/hack/lib/images.sh")"
  stamp="$IMAGES_DIR/$name.key"
  if [[ "$(cat "$stamp" 2>/dev/null)" == "$key" ]] && ctr_k8s images ls -q | grep -Fxq "$ref"; then
    log "    $ref up to date"; return
  fi
  local started=$SECONDS
  rootfs="$IMAGES_DIR/$name.rootfs" archive="$IMAGES_DIR/$name.tar"
  rm -rf "$rootfs" && mkdir -p "$rootfs"
  base_rootfs "$rootfs"
  "$stage" "$rootfs" "$@"
  pack_image "$ref" "$rootfs" "$entrypoint" "$workdir" "$archive"
  ctr_k8s images import "$archive" >/dev/null
  rm -rf "$rootfs" "$archive"
  echo "$key" > "$stamp"
  if [[ $ref == "$KAMAJI_IMAGE" ]]; then KAMAJI_IMAGE_CHANGED=true; fi
  log "    $ref imported ($((SECONDS - started))s)"
}

# Stage functions: <rootfs> <inputs...>
stage_usr_local_bin() { local rootfs="$1" bin; shift; for bin in "$@"; do install -m 0755 "$bin" "$rootfs/usr/local/bin/"; done; }
stage_root_dir() { local rootfs="$1" bin; shift; for bin in "$@"; do install -m 0755 "$bin" "$rootfs/"; done; }
stage_bin_dir() { local rootfs="$1" bin; shift; mkdir -p "$rootfs/bin"; for bin in "$@"; do install -m 0755 "$bin" "$rootfs/bin/"; done; }

# kube-proxy programs the node's iptables: its upstream image carries iptables (nft backend).
stage_kube_proxy() {
  local rootfs="$1" command
  install -m 0755 "$BIN_DIR/kube-proxy" "$rootfs/usr/local/bin/"
  add_dynamic "$rootfs" /usr/sbin/xtables-nft-multi /usr/sbin/xtables-nft-multi
  for command in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore; do
    ln -s xtables-nft-multi "$rootfs/usr/sbin/$command"
  done
  mkdir -p "$rootfs/usr/lib/x86_64-linux-gnu"
  cp -a /usr/lib/x86_64-linux-gnu/xtables "$rootfs/usr/lib/x86_64-linux-gnu/"
  local extension
  for extension in /usr/lib/x86_64-linux-gnu/xtables/*.so; do add_libraries "$rootfs" "$extension"; done
}

# Kamaji-TS: the pinned Node.js binary with its shared libraries, the project's sources and
# its production dependencies (installed from the lockfile into a staging folder).
stage_kamaji() {
  local rootfs="$1" app="$1/app" deps="$IMAGES_DIR/kamaji-deps"
  add_dynamic "$rootfs" "$(readlink -f "$REPO_ROOT/node_modules/.bin/node")" /usr/local/bin/node
  if [[ "$(cat "$deps/.lock.sha256" 2>/dev/null)" != "$(sha256sum < "$REPO_ROOT/package-lock.json")" ]]; then
    rm -rf "$deps" && mkdir -p "$deps"
    cp "$REPO_ROOT/package.json" "$REPO_ROOT/package-lock.json" "$deps/"
    (cd "$deps" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)
    sha256sum < "$REPO_ROOT/package-lock.json" > "$deps/.lock.sha256"
  fi
  mkdir -p "$app"
  cp -a "$REPO_ROOT/src" "$REPO_ROOT/package.json" "$app/"
  [[ -d "$REPO_ROOT/api" ]] && cp -a "$REPO_ROOT/api" "$app/"
  cp -a "$deps/node_modules" "$app/"
}

build_images() {
  mkdir -p "$IMAGES_DIR"
  local binary
  for binary in kube-apiserver kube-controller-manager kube-scheduler; do
    image "registry.k8s.io/$binary:$KUBERNETES_VERSION" "" / stage_usr_local_bin "$BIN_DIR/$binary"
  done
  image "registry.k8s.io/kube-proxy:$KUBERNETES_VERSION" "" / stage_kube_proxy "$BIN_DIR/kube-proxy"
  image "registry.k8s.io/pause:$PAUSE_VERSION" '["/pause"]' / stage_root_dir "$BIN_DIR/pause"
  image "registry.k8s.io/etcd:${ETCD_VERSION#v}-0" "" / stage_usr_local_bin "$BIN_DIR/etcd"
  image "registry.k8s.io/kas-network-proxy/proxy-server:$KONNECTIVITY_VERSION" '["/proxy-server"]' / stage_root_dir "$BIN_DIR/proxy-server"
  image "registry.k8s.io/kas-network-proxy/proxy-agent:$KONNECTIVITY_VERSION" '["/proxy-agent"]' / stage_root_dir "$BIN_DIR/proxy-agent"
  image "registry.k8s.io/coredns/coredns:$COREDNS_VERSION" '["/coredns"]' / stage_root_dir "$BIN_DIR/coredns"
  image "docker.io/rancher/kine:$KINE_VERSION" '["/bin/kine"]' / stage_bin_dir "$BIN_DIR/kine"
  if [[ -f "$REPO_ROOT/src/main.ts" ]]; then
    image "$KAMAJI_IMAGE" '["node","src/main.ts"]' /app stage_kamaji \
      "$REPO_ROOT/src" "$REPO_ROOT/api" "$REPO_ROOT/package.json" "$REPO_ROOT/package-lock.json"
  else
    log "    $KAMAJI_IMAGE skipped: src/main.ts does not exist yet"
  fi
}
