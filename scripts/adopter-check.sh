#!/usr/bin/env bash
# Does what an adopter does with the gitops plugins, once per supported
# Backstage release: builds and packs the three packages, creates a new app
# with @backstage/create-app, adds the tarballs as if from the registry,
# wires them in as the READMEs say, type-checks and builds the app, then
# starts the built backend on its own port against a local git repository of
# HelmReleases and waits for the plugin's first sync.
#
#   scripts/adopter-check.sh [release ...]     releases: 1.56 1.55 (default: both)
#
# GITOPS_ADOPTER_DIR   where the apps go (default: a new temp folder, removed after)
# GITOPS_ADOPTER_PORT  the backend's port (default 7207; the demo uses 7007)
# GITOPS_ADOPTER_TYPES_DONE=1  skip the repository's `yarn tsc` (test.sh ran it)
#
# Supported releases: create-app 0.9.2, the newest on the registry, makes a
# 1.55.0 app, whose @backstage packages are pinned to the versions create-app
# names (its seed lockfile, fetched from elsewhere, cannot be had here); 1.56
# is that app with every @backstage package moved to the newest published
# version (`yarn up '@backstage/*'`, what `backstage-cli versions:bump` does
# where the release manifests can be fetched).
set -euo pipefail
# shellcheck source=scripts/toolchain.sh
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
cd "$GITOPS_ROOT"

releases=("$@")
[ ${#releases[@]} -gt 0 ] || releases=(1.56 1.55)
port="${GITOPS_ADOPTER_PORT:-7207}"
create_app_version=0.9.2

# Outside any project corepack would look up yarn's newest release and check
# its signature, which the registry's metadata here does not carry; the
# version corepack knows does for create-app's check, and the app pins its own.
export COREPACK_DEFAULT_TO_LATEST=0
# The app is not this repository's: no lockfile to keep immutable.
export YARN_ENABLE_IMMUTABLE_INSTALLS=false

if [ -n "${GITOPS_ADOPTER_DIR:-}" ]; then
  work="$GITOPS_ADOPTER_DIR"
  mkdir -p "$work"
  keep=yes
else
  work="$(mktemp -d "${TMPDIR:-/tmp}/gitops-adopter.XXXXXX")"
  keep=""
fi
work="$(cd "$work" && pwd)"
backend_pid=""
cleanup() {
  if [ -n "$backend_pid" ]; then
    kill -TERM "$backend_pid" 2>/dev/null || true
    wait "$backend_pid" 2>/dev/null || true
  fi
  if [ -z "$keep" ]; then rm -rf "$work"; fi
}
trap cleanup EXIT

summary=()
step_started=0
step() {
  step_name="$1"
  step_started=$(date +%s)
  echo "== adopter-check: $step_name"
}
step_done() {
  local line
  line="$(printf '%-34s ok  %4ss' "$step_name" $(($(date +%s) - step_started)))"
  summary+=("$line")
  echo "   $line"
}
fail() {
  echo "adopter-check: $step_name FAILED: $*" >&2
  printf '  %s\n' "${summary[@]}" >&2
  exit 1
}
# Runs a command with its output in a log; on failure shows the log's end.
logged() {
  local log="$1"
  shift
  if ! "$@" >"$log" 2>&1; then
    tail -n 60 "$log" >&2
    fail "$* (log: $log)"
  fi
}

if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  echo "adopter-check: port $port is taken" >&2
  exit 1
fi

packages="$work/packages"
mkdir -p "$packages"

step "build and pack the plugins"
if [ "${GITOPS_ADOPTER_TYPES_DONE:-}" != 1 ]; then
  # The build's type declarations come from the repository's dist-types.
  logged "$work/tsc.log" yarn tsc
fi
for short in common frontend backend; do
  case "$short" in
    common) name=@backstage-gitops/plugin-gitops-common ;;
    frontend) name=@backstage-gitops/plugin-gitops ;;
    backend) name=@backstage-gitops/plugin-gitops-backend ;;
  esac
  logged "$work/build-$short.log" yarn workspace "$name" build
  # yarn pack runs prepack/postpack (entry points to dist) and turns
  # workspace:^ into the version's range.
  logged "$work/pack-$short.log" yarn workspace "$name" pack --out "$packages/$short.tgz"
done
# What an adopter's install would trip over: a packed manifest that still
# points into src/ or names a workspace: range.
for short in common frontend backend; do
  tar -xzOf "$packages/$short.tgz" package/package.json >"$work/$short.package.json"
  tar -tzf "$packages/$short.tgz" >"$work/$short.files"
  problem="$(node -e '
    const [manifestPath, filesPath] = process.argv.slice(1);
    const pkg = require(manifestPath);
    const files = new Set(require("node:fs").readFileSync(filesPath, "utf8").split("\n"));
    const entryPoints = JSON.stringify([pkg.main, pkg.module, pkg.types, pkg.exports, pkg.typesVersions]);
    const targets = entryPoints.match(/"\.?\/?(dist|src)\/[^"]+"/g) ?? [];
    const missing = targets
      .map(target => target.replace(/^"(\.\/)?|"$/g, ""))
      .filter(path => !files.has(`package/${path}`));
    const ranges = JSON.stringify([pkg.dependencies, pkg.peerDependencies]);
    if (ranges.includes("workspace:")) console.log("names a workspace: range");
    else if (missing.length) console.log(`points at files it lacks: ${missing.join(", ")}`);
  ' "$work/$short.package.json" "$work/$short.files")"
  [ -z "$problem" ] || fail "$short.tgz $problem"
done
step_done

# The package create-app runs, unpacked: its table of the release's versions.
step "create-app $create_app_version"
create_app="$work/create-app"
mkdir -p "$create_app"
(cd "$work" && logged "$work/create-app-pack.log" npm pack --silent "@backstage/create-app@$create_app_version")
tar -xzf "$work/backstage-create-app-$create_app_version.tgz" -C "$create_app" --strip-components=1
step_done

# A small config repository of HelmReleases: the demo's, as one commit.
step "config repository"
config_repo="$work/config-repo"
cp -R examples/config-repo "$config_repo"
git -C "$config_repo" init -q -b main
git -C "$config_repo" add -A
git -C "$config_repo" -c user.name=adopter -c user.email=adopter@example.invalid \
  commit -q -m "HelmReleases of the adopter check"
config_commit="$(git -C "$config_repo" rev-parse HEAD)"
step_done

check_release() {
  local release="$1"
  local app="$work/app-$release"
  local started
  started=$(date +%s)

  step "$release: create-app $create_app_version"
  rm -rf "$app"
  (cd "$work" && logged "$work/create-$release.log" env BACKSTAGE_APP_NAME=adopter \
    npx --yes "@backstage/create-app@$create_app_version" --path "$app" --skip-install)
  step_done

  step "$release: install the app"
  case "$release" in
    1.55)
      logged "$work/pin-$release.log" node scripts/adopter/pin-release.mjs "$app" "$create_app"
      (cd "$app" && logged "$work/install-$release.log" yarn install)
      # Again, now that the release's packages tell what they were built with.
      logged "$work/pin-$release.log" node scripts/adopter/pin-release.mjs "$app" "$create_app"
      cat "$work/pin-$release.log"
      (cd "$app" && logged "$work/install-$release.log" yarn install)
      ;;
    1.56)
      (cd "$app" && logged "$work/install-$release.log" yarn up '@backstage/*')
      printf '{\n  "version": "1.56.0"\n}\n' >"$app/backstage.json"
      ;;
    *) fail "unknown release $release (supported: 1.56 1.55)" ;;
  esac
  step_done

  step "$release: add and wire the plugins"
  local token
  token="$(node -e 'process.stdout.write(require("node:crypto").randomBytes(24).toString("hex"))')"
  mkdir -p "$work/working-dir-$release"
  logged "$work/wire-$release.log" node scripts/adopter/wire.mjs "$app" "$packages" "$port" \
    "$token" "$config_repo" "$work/working-dir-$release"
  (cd "$app" && logged "$work/add-$release.log" yarn install)
  # The plugins on the app's frontend-plugin-api: two copies were the
  # adopter's trouble.
  logged "$work/deps-$release.log" node scripts/adopter/check-deps.mjs "$app"
  cat "$work/deps-$release.log"
  step_done

  step "$release: yarn tsc"
  (cd "$app" && logged "$work/tsc-$release.log" yarn tsc)
  step_done

  # The backend's bundle takes the app (packages/app) with it, built.
  step "$release: yarn build:backend"
  (cd "$app" && logged "$work/build-backend-$release.log" yarn build:backend)
  grep -rqs 'GitOps releases' "$app/packages/app/dist/static" ||
    fail "the app's bundle has no gitops card"
  step_done

  step "$release: built backend syncs"
  # The production bundle, run as the template's Dockerfile runs it, on the
  # app's installed node_modules instead of a second production install.
  local bundle="$work/bundle-$release"
  rm -rf "$bundle"
  mkdir -p "$bundle"
  tar -xzf "$app/packages/backend/dist/bundle.tar.gz" -C "$bundle"
  ln -s "$app/node_modules" "$bundle/node_modules"
  (cd "$bundle" && exec node packages/backend --config "$app/app-config.yaml" \
    --config "$app/app-config.local.yaml") >"$work/backend-$release.log" 2>&1 &
  backend_pid=$!
  if ! node scripts/adopter/wait-for-sync.mjs "http://localhost:$port" "$token" \
    "$config_commit" 180; then
    grep -i 'gitops\|error' "$work/backend-$release.log" | tail -n 40 >&2 || true
    fail "the backend did not sync the config repository"
  fi
  kill -TERM "$backend_pid" 2>/dev/null || true
  wait "$backend_pid" 2>/dev/null || true
  backend_pid=""
  step_done

  summary+=("$(printf '%-34s     %4ss' "$release: whole check" $(($(date +%s) - started)))")
  if [ -z "$keep" ]; then rm -rf "$app" "$bundle"; fi
}

for release in "${releases[@]}"; do
  check_release "$release"
done

echo "adopter-check: passed for Backstage ${releases[*]}"
printf '  %s\n' "${summary[@]}"
