# The fail-closed check made before a bottle's agent exists. Prints one FAIL line per broken promise, then PROBE OK
# or PROBE FAILED; exits non-zero on any failure, including one of its own.
#
#   isolation-probe.sh --proxy-host NAME --proxy-port PORT [--proxy-address IP] [--gateway IP]... [--port PORT]...
#                      [--absent-name NAME]... [--overlay] [--allow-ipv6]
#
# Promises checked, from the agent's place (its network, its user):
#   - the proxy answers /health at its address (when given: the probe may start before the proxy does), then by the
#     name the agent uses;
#   - no gateway answers on any port: those given (the engine's gateways of every bottle network), those its routes
#     name, and the first address of every subnet it is on (where the engine puts a bridge's host address).
#     A connection or a refusal means packets got there and back; only silence, or no route, passes;
#   - no IPv6 on any interface but loopback;
#   - no name given as absent resolves (pipelock's: it is on another network, and the agent must not reach it).
# --overlay (a swarm stack): an internal overlay gives no default route (measured on 20.10), and the first address of
# its subnet is the overlay's own bridge, in a namespace of the engine's with no route anywhere: it refuses every port.
# There, and only there, a refusal passes for silence; an accepted connection still fails. Anything else (a network
# edited to be non-internal, docker_gwbridge) brings a default route whose gateway is the host, also the first address
# of its subnet: so with --overlay a default route fails the probe, and an address a route names as its gateway is
# never relaxed.
# --allow-ipv6 (Kubernetes): the pod may have IPv6, which the NetworkPolicies govern as they do IPv4; not a failure.
set -u
proxy_host="" proxy_port="" proxy_address="" silence=0.5
gateways=() ports=() absent=() overlay=0 allow_ipv6=0 firsts=" " routed=" " default=0
finish() { if [ "$1" = 0 ]; then echo "PROBE OK"; exit 0; fi; echo "PROBE FAILED"; exit 1; }
while [ $# -gt 0 ]; do
  if [ "$1" = --overlay ]; then overlay=1; shift; continue; fi
  if [ "$1" = --allow-ipv6 ]; then allow_ipv6=1; shift; continue; fi
  case "$1" in
    --proxy-host) proxy_host=$2 ;;
    --proxy-port) proxy_port=$2 ;;
    --proxy-address) proxy_address=$2 ;;
    --gateway) gateways+=("$2") ;;
    --port) ports+=("$2") ;;
    --absent-name) absent+=("$2") ;;
    --silence) silence=$2 ;;
    *) echo "FAIL the probe was given an unknown argument: $1"; finish 1 ;;
  esac
  shift 2 || { echo "FAIL the probe's argument $1 has no value"; finish 1; }
done
if [ -z "$proxy_host" ] || [ -z "$proxy_port" ] || [ ${#ports[@]} = 0 ]; then
  echo "FAIL the probe needs --proxy-host, --proxy-port and at least one --port"; finish 1
fi
fail=0

# Addresses as /proc/net/route writes them: 32-bit hex in the host's (little-endian) byte order. Every gateway a route
# names, and the first address of every subnet the probe is on, is tried below: an internal network keeps a default
# route to a gateway that, without a host address on the bridge, nothing holds.
address() { printf '%d.%d.%d.%d' "0x${1:6:2}" "0x${1:4:2}" "0x${1:2:2}" "0x${1:0:2}"; }
first_address() { printf '%d.%d.%d.%d' "0x${1:6:2}" "0x${1:4:2}" "0x${1:2:2}" "$((0x${1:0:2} + 1))"; }
if [ ! -r /proc/net/route ]; then echo "FAIL the probe cannot read its routes"; finish 1; fi
while read -r iface destination gateway _; do
  [ "$iface" = Iface ] && continue
  [ "$destination" = 00000000 ] && default=1
  if [ "$gateway" != 00000000 ]; then gateways+=("$(address "$gateway")"); routed+="$(address "$gateway") "
  elif [ "$destination" != 00000000 ]; then gateways+=("$(first_address "$destination")"); firsts+="$(first_address "$destination") "; fi
done </proc/net/route
if [ $overlay = 1 ] && [ $default = 1 ]; then
  echo "FAIL the bottle has a default route: a swarm bottle's overlays must be internal, which route nowhere"; fail=1
fi

# Bottle networks are IPv4 only, and the gateways above are all the probe can know of: an IPv6 address on any interface
# but loopback (a link-local one included) is a way it does not check, so it fails.
if [ $allow_ipv6 = 0 ] && [ -r /proc/net/if_inet6 ]; then
  while read -r ipv6 _ _ _ _ iface; do
    [ "$iface" = lo ] && continue
    echo "FAIL the bottle has IPv6 (${ipv6:0:4}:${ipv6:4:4}:...:${ipv6:28:4} on $iface): its networks must be IPv4 only"; fail=1
  done </proc/net/if_inet6
fi

connects() { timeout "$3" bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>&1; }
reach() { # 0: it answered (a connection, or a refusal: packets got there and back); 1: silent; 2: could not tell
  local out rc
  out=$(connects "$1" "$2" "$silence"); rc=$?
  [ $rc = 0 ] && return 0
  case "$out" in *refused*) return 3 ;; esac
  [ $rc = 124 ] && return 1
  case "$out" in *"No route to host"*|*"Network is unreachable"*|*"timed out"*) return 1 ;; esac
  return 2
}
check() {
  reach "$1" "$2"
  case $? in
    0) echo "FAIL $1:$2 answered: the bottle reaches it directly" ;;
    3) if [ $overlay = 1 ] && [[ "$firsts" == *" $1 "* ]] && [[ "$routed" != *" $1 "* ]]; then echo "SILENT $1:$2 (refused by the overlay's own bridge)"
       else echo "FAIL $1:$2 answered: the bottle reaches it directly"; fi ;;
    1) echo "SILENT $1:$2" ;;
    *) echo "FAIL $1:$2 could not be tried" ;;
  esac
}
health() {
  timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1" && printf "GET /health HTTP/1.0\r\n\r\n" >&3 && head -n 1 <&3' "$1" "$proxy_port" 2>/dev/null | grep -q ' 200 '
}

# The proxy may still be starting: up to a minute. Asked at its address when known, since its name would not resolve
# until it exists, and the resolver takes seconds to say so.
first=${proxy_address:-$proxy_host}
healthy=0
for _ in $(seq 300); do
  if connects "$first" "$proxy_port" 0.3 >/dev/null && health "$first"; then healthy=1; break; fi
  sleep 0.1
done
if [ $healthy = 0 ]; then echo "FAIL the proxy ($first:$proxy_port) does not answer /health"; finish 1; fi
if [ "$first" != "$proxy_host" ] && ! health "$proxy_host"; then
  echo "FAIL the proxy does not answer /health as $proxy_host:$proxy_port, the name the agent uses"; finish 1
fi

# A name that resolves here is a host on this network: the one given as absent (pipelock) must be on another.
for name in "${absent[@]}"; do
  if getent hosts "$name" >/dev/null 2>&1; then echo "FAIL $name resolves on the agent's network: the agent could reach it directly"; fail=1; fi
done

# Only now, with the network proven to carry packets (the proxy answered over it), does silence mean out of reach:
# tried earlier, a bridge still coming up drops the first packets, and a reachable host would pass for unreachable.
# Every address and port at once; each costs its full timeout.
# Every check must report: one that could not run (a fork refused, say) must not pass for silence.
targets=$(printf '%s\n' "${gateways[@]}" | sort -u)
expected=0
for gateway in $targets; do expected=$((expected + ${#ports[@]})); done
results=$(for gateway in $targets; do for port in "${ports[@]}"; do check "$gateway" "$port" & done; done; wait)
if printf '%s\n' "$results" | grep '^FAIL'; then fail=1; fi
silent=$(printf '%s\n' "$results" | grep -c '^SILENT')
if [ "$silent" != "$expected" ]; then echo "FAIL only $silent of $expected reach checks reported silence"; fail=1; fi
finish $fail
