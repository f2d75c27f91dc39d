#!/usr/bin/env bash
# Installs what a fresh Debian (bookworm) machine lacks to build, test and demo the worker:
# gearmand and its CLI tools, supervisord, PHP + php-gearman (interop tests), Maven and JDK 17,
# Chromium + its chromedriver (the dashboard's browser test drives them headless; nothing is downloaded at test time),
# Node.js + npm and the offline validator of the Kubernetes manifests (setup/k8s/validate, from npm),
# iproute2 and nftables (the network-fault tests build test hosts in network namespaces, and drop packets).
# Idempotent: packages already installed are skipped, so a second run neither updates nor
# needs the network. Runs as root, or through sudo when not root.
# No system gearmand or supervisord is started: the demo and the tests start their own.
# JDK: the worker targets the distribution's JDK 17 (openjdk-17-jdk-headless), which bin/gearman-worker uses by
# default. A JDK 25 also works (the launcher then records an AOT cache instead of an AppCDS archive) but is not
# faster here (docs/performance-21.md); to try it, install Temurin 25 from Adoptium's apt repository
# (https://packages.adoptium.net/artifactory/deb, package temurin-25-jdk) and start workers with
# GEARMAN_JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64, which the launcher prefers over JAVA_HOME.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PACKAGES=(gearman-job-server gearman-tools php-cli php-gearman supervisor maven openjdk-17-jdk-headless chromium
          chromium-driver iproute2 nftables)
# Node.js runs the manifest validator; a Node.js that is already there (with its npm) is used as it is
command -v npm >/dev/null 2>&1 || PACKAGES+=(nodejs npm)
K8S_VALIDATE="$ROOT/setup/k8s/validate"
POLICY=/usr/sbin/policy-rc.d
SAVED_POLICY="$POLICY.gearworker-saved"

say() { printf 'install.sh: %s\n' "$*"; }

as_root() {
  if [[ "$(id -u)" -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    say "need root (or sudo) to run: $*" >&2
    exit 1
  fi
}

is_installed() {
  # shellcheck disable=SC2016 # ${Status} is dpkg-query's field, not a shell variable
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  say "this is not a Debian-based machine (no dpkg/apt-get); install by hand: ${PACKAGES[*]}" >&2
  exit 1
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
  if is_installed "$pkg"; then
    say "already installed: $pkg"
  else
    missing+=("$pkg")
  fi
done

# The Kubernetes manifest validator: the exact versions of package-lock.json, into setup/k8s/validate/node_modules
# (git-ignored); done again only when the lock file is newer than what is installed.
install_k8s_validator() {
  local stamp="$K8S_VALIDATE/node_modules/.package-lock.json"
  if [[ -f "$stamp" && ! "$K8S_VALIDATE/package-lock.json" -nt "$stamp" ]]; then
    say "already installed: setup/k8s/validate (npm)"
    return
  fi
  say "npm ci in setup/k8s/validate"
  npm ci --prefix "$K8S_VALIDATE" --no-audit --no-fund
}

if [[ ${#missing[@]} -eq 0 ]]; then
  say "nothing to install"
  install_k8s_validator
  exit 0
fi

# Debian's postinst scripts start gearmand and supervisord through invoke-rc.d (or
# deb-systemd-invoke); both ask policy-rc.d first, and 101 means "do not start".
# A policy-rc.d that was already there (Docker images ship one) is put back afterwards.
restore_policy() {
  if as_root test -e "$SAVED_POLICY"; then
    as_root mv -f "$SAVED_POLICY" "$POLICY"
    say "restored the previous $POLICY"
  else
    as_root rm -f "$POLICY"
    say "removed the temporary $POLICY"
  fi
}
if as_root test -e "$SAVED_POLICY" && ! as_root test -e "$POLICY"; then
  as_root mv -f "$SAVED_POLICY" "$POLICY" # an earlier run was cut short before it put it back
fi
if as_root test -e "$POLICY"; then
  as_root mv -f "$POLICY" "$SAVED_POLICY"
fi
trap restore_policy EXIT
printf '#!/bin/sh\n# gearworker setup/install.sh: no service starts while packages install\nexit 101\n' \
  | as_root tee "$POLICY" >/dev/null
as_root chmod 0755 "$POLICY"
say "installed a policy-rc.d that keeps services from starting during the install"

say "apt-get update"
as_root apt-get update
say "installing: ${missing[*]}"
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"

for pkg in "${missing[@]}"; do
  if ! is_installed "$pkg"; then
    say "failed to install $pkg" >&2
    exit 1
  fi
done
say "installed: ${missing[*]}"
install_k8s_validator
