#!/usr/bin/env bash
# A second Docker engine that tests may reconfigure, restart or break without touching the machine's own: it lives
# in network and mount namespaces of its own (its own bridges and iptables rules), keeps its data, state and
# containerd under DIR, and sees an /etc/resolv.conf whose resolver is on loopback (127.0.0.53, as on hosts with
# systemd-resolved): dnsmasq there answers outside.test and logs every query to DIR/dns.log. Needs root.
#
#   isolated-engine.sh up DIR        start it; its socket is DIR/docker.sock
#   isolated-engine.sh restart DIR   stop dockerd (as a crash or an upgrade would) and start it again
#   isolated-engine.sh down DIR      stop everything and remove DIR
set -euo pipefail
action=$1 dir=$2

start_dockerd() {
  local holder
  holder=$(cat "$dir/holder.pid")
  nsenter --target "$holder" --net --mount \
    dockerd --data-root "$dir/data" --exec-root "$dir/exec" --pidfile "$dir/dockerd.pid" -H "unix://$dir/docker.sock" \
      --containerd-namespace isolated --containerd-plugins-namespace isolated-plugins \
      --cgroup-parent /claude-bottle-isolated-engine >>"$dir/dockerd.log" 2>&1 &
  for _ in $(seq 120); do
    if [ -S "$dir/docker.sock" ] && curl -sf --unix-socket "$dir/docker.sock" http://engine/_ping >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  echo "the isolated engine did not start:" >&2; tail -n 30 "$dir/dockerd.log" >&2; return 1
}

stop_dockerd() {
  [ -f "$dir/dockerd.pid" ] || return 0
  local pid; pid=$(cat "$dir/dockerd.pid")
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.5; done
  kill -KILL "$pid" 2>/dev/null || true
}

case "$action" in
  up)
    mkdir -p "$dir"
    echo "nameserver 127.0.0.53" >"$dir/resolv.conf"
    # The namespaces' holder: loopback up, the loopback resolver in place, /run private (so dockerd starts a
    # containerd of its own rather than using the machine's), dnsmasq on 127.0.0.53.
    unshare --net --mount --propagation private bash -c '
      set -e
      ip link set lo up
      mount --bind "$1/resolv.conf" /etc/resolv.conf
      mount -t tmpfs tmpfs /run
      dnsmasq --no-resolv --no-hosts --listen-address=127.0.0.53 --bind-interfaces --port=53 \
        --address=/outside.test/203.0.113.7 --log-queries --log-facility="$1/dns.log" --pid-file="$1/dnsmasq.pid"
      exec sleep infinity' holder "$dir" >"$dir/holder.log" 2>&1 &
    echo $! >"$dir/holder.pid"
    for _ in $(seq 20); do [ -f "$dir/dnsmasq.pid" ] && break; sleep 0.25; done
    [ -f "$dir/dnsmasq.pid" ] || { echo "dnsmasq did not start:" >&2; cat "$dir/holder.log" >&2; exit 1; }
    start_dockerd
    ;;
  restart)
    stop_dockerd
    start_dockerd
    ;;
  down)
    stop_dockerd
    [ -f "$dir/dnsmasq.pid" ] && kill "$(cat "$dir/dnsmasq.pid")" 2>/dev/null || true
    [ -f "$dir/holder.pid" ] && kill "$(cat "$dir/holder.pid")" 2>/dev/null || true
    sleep 0.5
    # Mounts dockerd made under DIR (overlay layers, netns files) die with the namespace; anything left is lazily undone.
    grep " $dir/" /proc/mounts | cut -d' ' -f2 | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 up|restart|down DIR" >&2; exit 2 ;;
esac
