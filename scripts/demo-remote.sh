# shellcheck shell=bash
# Sourced by scripts/start.sh. Turns the example config repositories into
# local git remotes on first use, so the demo syncs from real repositories
# whose history (image automation's commits, promotions) survives restarts:
# examples/config-repo (Flux v1) and examples/config-repo-v2 (Flux v2's
# layout). GITOPS_DEMO_DIR picks another place, such as a fresh one for a
# test run.

demo_dir="${GITOPS_DEMO_DIR:-$GITOPS_ROOT/.demo}"

# demo_remote_from <example folder> <bare remote>: imports the example as one
# commit on main, unless the remote exists already.
demo_remote_from() {
  local example="$1" remote="$2" scratch
  [ -d "$remote" ] && return 0
  mkdir -p "$demo_dir"
  scratch="$(mktemp -d)"
  cp -R "$example/." "$scratch/"
  git -C "$scratch" init -q -b main
  git -C "$scratch" add -A
  git -C "$scratch" -c user.name='Backstage GitOps demo' -c user.email='demo@backstage-gitops.invalid' \
    commit -q -m 'Import the demo config repository'
  git init -q --bare -b main "$remote.tmp"
  git -C "$scratch" push -q "$remote.tmp" main
  mv "$remote.tmp" "$remote"
  rm -rf "$scratch"
}

demo_remote="$demo_dir/config-repo.git"
demo_remote_from "$GITOPS_ROOT/examples/config-repo" "$demo_remote"
export GITOPS_DEMO_REPO_URL="file://$demo_remote"

demo_remote_v2="$demo_dir/config-repo-v2.git"
demo_remote_from "$GITOPS_ROOT/examples/config-repo-v2" "$demo_remote_v2"
export GITOPS_DEMO_V2_REPO_URL="file://$demo_remote_v2"
