#!/usr/bin/env bash
# Starts the demo portal: the app on http://localhost:3000 and the backend on
# http://localhost:7007. Installs what a new machine lacks first.
set -euo pipefail
# shellcheck source=scripts/toolchain.sh
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
gitops_install
# shellcheck source=scripts/demo-remote.sh
source "$GITOPS_ROOT/scripts/demo-remote.sh"
# shellcheck source=scripts/demo-registry.sh
source "$GITOPS_ROOT/scripts/demo-registry.sh"
cd "$GITOPS_ROOT"
if [ -n "$demo_registry_pid" ]; then
  trap 'kill "$demo_registry_pid" 2>/dev/null' EXIT
  yarn start
else
  exec yarn start
fi
