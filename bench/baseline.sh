#!/usr/bin/env bash
# The plain-docker baseline of the benchmark: N bottles made by hand with the docker CLI, the same objects the app
# host makes (two networks, pipelock created on the internal one and connected to the egress one, started and polled
# until it answers, then the agent), all bottles in parallel. No isolation probe, no labels beyond one for cleanup.
#
#   baseline.sh up   N PREFIX PROXY_IMAGE AGENT_IMAGE PIPELOCK_CONFIG
#   baseline.sh down N PREFIX
set -euo pipefail
action=$1 n=$2 prefix=$3
label=claude-bottle.bench=$prefix

up_one() {
  local i=$1 name="$prefix-$i"
  docker network create --internal --label "$label" -o com.docker.network.bridge.inhibit_ipv4=true \
    --subnet "10.214.$i.0/28" --gateway "10.214.$i.1" "$name-internal" >/dev/null
  docker network create --label "$label" --subnet "10.214.$((i + 128)).0/28" --gateway "10.214.$((i + 128)).1" "$name-egress" >/dev/null
  docker create --name "$name-proxy" --label "$label" --network "$name-internal" --network-alias pipelock \
    --user 65534:65534 --read-only --cap-drop ALL --security-opt no-new-privileges --restart unless-stopped \
    -v "$PIPELOCK_CONFIG:/etc/pipelock/pipelock.yaml:ro" "$PROXY_IMAGE" run --config /etc/pipelock/pipelock.yaml >/dev/null
  docker network connect "$name-egress" "$name-proxy"
  docker start "$name-proxy" >/dev/null
  until docker exec "$name-proxy" /pipelock healthcheck --addr 127.0.0.1:8888 >/dev/null 2>&1; do sleep 0.05; done
  docker create --name "$name-agent" --label "$label" --network "$name-internal" --user 1000 --read-only --cap-drop ALL \
    --security-opt no-new-privileges --tmpfs /tmp -v /home/claude -e HTTPS_PROXY=http://pipelock:8888 \
    --entrypoint claude "$AGENT_IMAGE" >/dev/null
  docker start "$name-agent" >/dev/null
}

down_one() {
  local name="$prefix-$1"
  docker rm -f -v "$name-agent" "$name-proxy" >/dev/null
  docker network rm "$name-internal" "$name-egress" >/dev/null
}

case "$action" in
  up)
    PROXY_IMAGE=$4 AGENT_IMAGE=$5 PIPELOCK_CONFIG=$6
    for i in $(seq "$n"); do up_one "$i" & done
    ;;
  down)
    for i in $(seq "$n"); do down_one "$i" & done
    ;;
  *) echo "usage: $0 up|down N PREFIX ..." >&2; exit 2 ;;
esac
# Each bottle's job must succeed.
status=0
for job in $(jobs -p); do wait "$job" || status=1; done
exit $status
