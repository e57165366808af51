#!/usr/bin/env bash
# Installs the Debian packages the conformance tier needs: the Go engine
# model builds from them in GOPATH mode (no Go module proxy is needed), and
# promtool (package prometheus) runs the alert rules. Needs root or sudo.
set -euo pipefail
PACKAGES=(golang-go golang-github-masterminds-sprig-dev golang-github-antonmedv-expr-dev golang-gopkg-yaml.v2-dev golang-github-ghodss-yaml-dev golang-github-hashicorp-go-retryablehttp-dev prometheus)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "conformance dependencies already installed"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
