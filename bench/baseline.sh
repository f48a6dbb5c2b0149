#!/usr/bin/env bash
# The plain-docker baseline of the benchmark: N bottles made by hand with the docker CLI, all bottles in parallel.
# No isolation probe, no labels beyond one for cleanup.
# Without EDGE_IMAGE: the bottle before the edge (#15): two networks, pipelock created on the internal one and connected
# to the egress one, started and polled until it answers, then the agent (HTTPS_PROXY=pipelock).
# With EDGE_IMAGE and EDGE_CONFIG: the same containers the app host makes now: three networks; pipelock on the middle
# one, connected to the egress one; the edge (as the launcher makes it; its empty secrets from the compose secret file)
# on the internal one, connected to the middle one; both started side by side and polled until they answer; then the
# agent (HTTPS_PROXY=edge, the edge's CA volume read-only).
#
#   baseline.sh up   N PREFIX PROXY_IMAGE AGENT_IMAGE PIPELOCK_CONFIG [EDGE_IMAGE EDGE_CONFIG EDGE_SECRETS]
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

up_one_edge() {
  local i=$1 name="$prefix-$i"
  docker network create --internal --label "$label" -o com.docker.network.bridge.inhibit_ipv4=true \
    --subnet "10.214.$i.0/28" --gateway "10.214.$i.1" "$name-internal" >/dev/null &
  local nets=$!
  docker network create --internal --label "$label" -o com.docker.network.bridge.inhibit_ipv4=true \
    --subnet "10.214.$((i + 64)).0/28" --gateway "10.214.$((i + 64)).1" "$name-middle" >/dev/null &
  nets="$nets $!"
  docker network create --label "$label" --subnet "10.214.$((i + 128)).0/28" --gateway "10.214.$((i + 128)).1" "$name-egress" >/dev/null &
  nets="$nets $!"
  for job in $nets; do wait "$job"; done
  (
    docker create --name "$name-proxy" --label "$label" --network "$name-middle" --network-alias pipelock \
      --user 65534:65534 --read-only --cap-drop ALL --security-opt no-new-privileges --restart unless-stopped \
      -v "$PIPELOCK_CONFIG:/etc/pipelock/pipelock.yaml:ro" "$PROXY_IMAGE" run --config /etc/pipelock/pipelock.yaml >/dev/null
    docker network connect "$name-egress" "$name-proxy"
    docker start "$name-proxy" >/dev/null
    until docker exec "$name-proxy" /pipelock healthcheck --addr 127.0.0.1:8888 >/dev/null 2>&1; do sleep 0.05; done
  ) &
  local proxy=$!
  (
    docker create --name "$name-edge" --label "$label" --network "$name-internal" --network-alias edge \
      --user 65534:65534 --read-only --cap-drop ALL --security-opt no-new-privileges -m 256m --pids-limit 128 --cpus 1 \
      --tmpfs /run/claude-bottle-edge:rw,nosuid,nodev,noexec,size=16m,mode=0700,uid=65534,gid=65534 \
      -v "$EDGE_CONFIG:/etc/claude-bottle/edge.json:ro" -v "$EDGE_SECRETS:/run/secrets/claude-bottle-edge:ro" \
      "$EDGE_IMAGE" >/dev/null
    docker network connect "$name-middle" "$name-edge"
    docker start "$name-edge" >/dev/null
    for _ in $(seq 600); do
      docker exec "$name-edge" python3 /usr/local/lib/claude-bottle-edge/healthcheck.py >/dev/null 2>&1 && exit 0
      sleep 0.05
    done
    echo "the edge $name-edge did not answer: $(docker logs "$name-edge" 2>&1 | tail -n 3)" >&2
    exit 1
  ) &
  local edge=$!
  wait "$proxy"
  wait "$edge"
  docker create --name "$name-agent" --label "$label" --network "$name-internal" --user 1000 --read-only --cap-drop ALL \
    --security-opt no-new-privileges --tmpfs /tmp -v /home/claude -e HTTPS_PROXY=http://edge:8080 \
    -e NODE_EXTRA_CA_CERTS=/var/lib/claude-bottle-ca/agent-ca.crt --volumes-from "$name-edge:ro" \
    --entrypoint claude "$AGENT_IMAGE" >/dev/null
  docker start "$name-agent" >/dev/null
}

down_one() {
  local name="$prefix-$1"
  docker rm -f -v "$name-agent" "$name-proxy" >/dev/null
  if docker container inspect "$name-edge" >/dev/null 2>&1; then
    docker rm -f -v "$name-edge" >/dev/null
    docker network rm "$name-middle" >/dev/null
  fi
  docker network rm "$name-internal" "$name-egress" >/dev/null
}

case "$action" in
  up)
    PROXY_IMAGE=$4 AGENT_IMAGE=$5 PIPELOCK_CONFIG=$6 EDGE_IMAGE=${7:-} EDGE_CONFIG=${8:-} EDGE_SECRETS=${9:-}
    for i in $(seq "$n"); do
      if [ -n "$EDGE_IMAGE" ]; then up_one_edge "$i" & else up_one "$i" & fi
    done
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
