# shellcheck shell=bash
# Sourced by scripts/start.sh. Starts Debian's docker-registry on loopback as
# the demo's container registry and, the first time, pushes the seed's podinfo
# images to it: the Flux v1 example's (docker.io) and the Flux v2 example's
# (ghcr.io), both served from this one registry. Without docker-registry the rest of the demo still runs.

demo_registry_port="${GITOPS_DEMO_REGISTRY_PORT:-5000}"
export GITOPS_DEMO_REGISTRY_URL="http://127.0.0.1:$demo_registry_port"
# Secrets of this run only, read by app-config.yaml: the token the registry's
# notifications carry to the backend, and the demo's GitHub webhook secret.
export GITOPS_DEMO_REGISTRY_TOKEN="${GITOPS_DEMO_REGISTRY_TOKEN:-$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')}"
export GITOPS_DEMO_GITHUB_WEBHOOK_SECRET="${GITOPS_DEMO_GITHUB_WEBHOOK_SECRET:-$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')}"
# And the demo release bot's token (backend.auth.externalAccess), which lets
# a browser test promote as someone other than guest.
export GITOPS_DEMO_RELEASE_BOT_TOKEN="${GITOPS_DEMO_RELEASE_BOT_TOKEN:-$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')}"
demo_backend_url="${GITOPS_DEMO_BACKEND_URL:-http://127.0.0.1:7007}"
demo_registry_pid=""

if ! command -v docker-registry >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ] &&
  command -v apt-get >/dev/null 2>&1; then
  echo "demo: installing Debian's docker-registry" >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends docker-registry >/dev/null; } ||
    echo "demo: could not install docker-registry" >&2
fi

if curl -fs -o /dev/null "$GITOPS_DEMO_REGISTRY_URL/v2/"; then
  echo "demo: a registry already answers at $GITOPS_DEMO_REGISTRY_URL; using it" >&2
elif ! command -v docker-registry >/dev/null 2>&1; then
  echo "demo: docker-registry is missing (apt-get install docker-registry); the demo runs without a registry and image automation reports it unreachable" >&2
else
  mkdir -p "$demo_dir/registry"
  cat >"$demo_dir/registry.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $demo_dir/registry
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$demo_registry_port
notifications:
  endpoints:
    - name: backstage
      url: $demo_backend_url/api/events/http/gitops.registry
      headers:
        Authorization: [Bearer $GITOPS_DEMO_REGISTRY_TOKEN]
      timeout: 2s
      threshold: 3
      backoff: 2s
YAML
  chmod 600 "$demo_dir/registry.yml"
  docker-registry serve "$demo_dir/registry.yml" >"$demo_dir/registry.log" 2>&1 &
  demo_registry_pid=$!
  for _ in $(seq 1 50); do
    curl -fs -o /dev/null "$GITOPS_DEMO_REGISTRY_URL/v2/" && break
    sleep 0.2
  done
fi

if curl -fs -o /dev/null "$GITOPS_DEMO_REGISTRY_URL/v2/" &&
  ! curl -fs -o /dev/null "$GITOPS_DEMO_REGISTRY_URL/v2/stefanprodan/podinfo/tags/list"; then
  # The seed's images, oldest first.
  node "$GITOPS_ROOT/scripts/push-demo-image.mjs" 0.4.10 --created 2026-11-01T10:00:00Z
  node "$GITOPS_ROOT/scripts/push-demo-image.mjs" stg-9ij63o4c --created 2026-11-02T10:00:00Z
  node "$GITOPS_ROOT/scripts/push-demo-image.mjs" dev-kb9lm91e --created 2026-11-03T10:00:00Z
fi

# The Flux v2 example's images (ghcr.io/stefanprodan/podinfo), oldest first.
# The registry stands in for ghcr.io too, so they share the repository above;
# each policy's range keeps the two sets apart.
if curl -fs -o /dev/null "$GITOPS_DEMO_REGISTRY_URL/v2/" &&
  ! curl -fs -o /dev/null -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    "$GITOPS_DEMO_REGISTRY_URL/v2/stefanprodan/podinfo/manifests/6.5.0"; then
  node "$GITOPS_ROOT/scripts/push-demo-image.mjs" --image ghcr.io/stefanprodan/podinfo 6.5.0-rc.1 --created 2026-11-04T10:00:00Z
  node "$GITOPS_ROOT/scripts/push-demo-image.mjs" --image ghcr.io/stefanprodan/podinfo 6.5.0 --created 2026-11-05T10:00:00Z
fi
