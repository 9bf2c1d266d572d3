#!/usr/bin/env bash
# Runs every test: type checks, the unit and integration tests of all packages
# (SQLite and PostgreSQL), and the browser test against the demo portal that
# scripts/start.sh serves. Installs what a new machine lacks first.
set -euo pipefail
# shellcheck source=scripts/toolchain.sh
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
cd "$GITOPS_ROOT"

# System packages the tests drive. Installed when missing and we may; a
# machine where we may not gets told what to install.
apt_packages=(chromium git openssh-server openssh-client docker-registry)
missing=()
for package in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "test: install these Debian packages first: ${missing[*]}" >&2
    exit 1
  fi
  echo "test: installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The store tests' PostgreSQL: the one answering on 127.0.0.1:5432
# (GITOPS_TEST_POSTGRES_PORT), else a test cluster of our own that
# scripts/test-postgres.sh installs, starts and leaves running.
if [ -z "${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:-}" ]; then
  BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="$(scripts/test-postgres.sh)"
fi
export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING

gitops_install

echo "== types"
yarn tsc

echo "== lint"
yarn lint

# Checks the committed report.api.md files against the declarations tsc
# just wrote; yarn build:api-reports updates them after an API change.
echo "== API reports"
yarn build:api-reports:only --ci

echo "== formatting"
yarn prettier:check

echo "== unit and integration tests"
# Store tests run on SQLite and on the PostgreSQL chosen above.
CI=true yarn test

echo "== browser test against the demo portal"
export GITOPS_DEMO_REGISTRY_PORT=5099
# The demo release bot's token: the portal takes it, and e2e/notifications
# promotes with it as someone other than guest.
export GITOPS_DEMO_RELEASE_BOT_TOKEN="${GITOPS_DEMO_RELEASE_BOT_TOKEN:-$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')}"
# The portal, the backend, the demo registry and the simulated clusters.
for port in 3000 7007 "$GITOPS_DEMO_REGISTRY_PORT" 7098 7099 7100; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "test: port $port is taken; stop the running portal first" >&2
    exit 1
  fi
done
mkdir -p test-output
# A database and a demo remote of its own, so the run starts from scratch.
sqlite_dir="$(mktemp -d)"
export GITOPS_DEMO_DIR="$sqlite_dir/demo"
GITOPS_SQLITE_DIR="$sqlite_dir" setsid scripts/start.sh >test-output/portal.log 2>&1 &
portal=$!
stop_portal() {
  kill -TERM -- "-$portal" 2>/dev/null || true
  wait "$portal" 2>/dev/null || true
  rm -rf "$sqlite_dir"
}
trap stop_portal EXIT

ready=""
for _ in $(seq 1 300); do
  if curl -fs -o /dev/null http://localhost:7007/api/gitops/health &&
    curl -fs -o /dev/null http://localhost:3000/; then
    ready=yes
    break
  fi
  if ! kill -0 "$portal" 2>/dev/null; then break; fi
  sleep 2
done
if [ -z "$ready" ]; then
  echo "test: the portal did not come up; its log:" >&2
  tail -n 60 test-output/portal.log >&2
  exit 1
fi
if ! yarn test:e2e; then
  # The portal's own account of what it was doing, for a run we cannot watch.
  echo "test: browser tests failed; the portal's log, gitops lines:" >&2
  grep -i 'gitops' test-output/portal.log | tail -n 80 >&2 || true
  exit 1
fi

echo "== adopter check: the packed plugins in new Backstage 1.56 and 1.55 apps"
# 12 to 17 minutes on 2 cores (both releases); the portal is done, so it gives the cores back.
stop_portal
GITOPS_ADOPTER_TYPES_DONE=1 scripts/adopter-check.sh
