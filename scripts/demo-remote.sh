# shellcheck shell=bash
# Sourced by scripts/start.sh. Turns examples/config-repo into a local git
# remote on first use, so the demo syncs from a real repository whose history
# (image automation's commits, promotions) survives restarts.
# GITOPS_DEMO_DIR picks another place, such as a fresh one for a test run.

demo_dir="${GITOPS_DEMO_DIR:-$GITOPS_ROOT/.demo}"
demo_remote="$demo_dir/config-repo.git"
if [ ! -d "$demo_remote" ]; then
  mkdir -p "$demo_dir"
  scratch="$(mktemp -d)"
  cp -R "$GITOPS_ROOT/examples/config-repo/." "$scratch/"
  git -C "$scratch" init -q -b main
  git -C "$scratch" add -A
  git -C "$scratch" -c user.name='Backstage GitOps demo' -c user.email='demo@backstage-gitops.invalid' \
    commit -q -m 'Import the demo config repository'
  git init -q --bare -b main "$demo_remote.tmp"
  git -C "$scratch" push -q "$demo_remote.tmp" main
  mv "$demo_remote.tmp" "$demo_remote"
  rm -rf "$scratch"
fi
export GITOPS_DEMO_REPO_URL="file://$demo_remote"
