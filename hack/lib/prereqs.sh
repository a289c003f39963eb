# Installs what the scripts need and a fresh machine may lack: Debian packages and node_modules.
# shellcheck shell=bash

DEBIAN_PACKAGES=(containerd runc containernetworking-plugins iptables conntrack socat iproute2
  postgresql mariadb-server gcc libc6-dev curl)

install_debian_packages() {
  local missing=() package
  for package in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
  done
  if ((${#missing[@]} == 0)); then log "    all Debian packages present"; return; fi
  log "    installing: ${missing[*]}"
  apt-get update -qq
  # policy-rc.d keeps the packages' own services (postgresql, mariadb, containerd) from starting:
  # the scripts run their own instances.
  local policy=/usr/sbin/policy-rc.d created_policy=false
  if [[ ! -e $policy ]]; then printf '#!/bin/sh\nexit 101\n' > "$policy"; chmod +x "$policy"; created_policy=true; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if $created_policy; then rm -f "$policy"; fi
}

require_tools() {
  command -v go >/dev/null || die "Go is missing (expected /usr/local/go/bin/go on this kind of machine)"
  command -v kubectl >/dev/null || die "kubectl is missing (expected /usr/bin/kubectl on this kind of machine)"
}

# node_modules is current when npm's own record of it (node_modules/.package-lock.json, written
# by every npm ci/install) is at least as new as package-lock.json.
install_node_modules() {
  local record="$REPO_ROOT/node_modules/.package-lock.json"
  if [[ -x "$REPO_ROOT/node_modules/.bin/node" && -f $record && ! "$REPO_ROOT/package-lock.json" -nt $record ]]; then
    log "    node_modules current"; return
  fi
  (cd "$REPO_ROOT" && npm ci --no-audit --no-fund --loglevel=error)
}

install_prerequisites() {
  step "Debian packages" install_debian_packages
  require_tools
  step "node_modules (npm ci)" install_node_modules
  export PATH="$REPO_ROOT/node_modules/.bin:$PATH"
}
