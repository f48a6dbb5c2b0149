using System.Text;
using ClaudeBottle.Launcher.Planning;

namespace ClaudeBottle.Launcher.Runtime;

/// <summary>
/// The fail-closed check made before an agent exists: a throwaway container from the agent's own image, on the
/// agent's network, with the agent's user, checks that the proxy answers (at its address, then by its name) and that
/// nothing else does (no host address, no way out). Any failure stops the bottle; the agent is never created.
/// </summary>
public static class IsolationProbe
{
    /// <summary>The probe is a bash script: agent images must provide bash.</summary>
    public static ContainerSpec Spec(ContainerSpec agent, IReadOnlyList<string> forbidden, string proxyAddress, string proxyHost, int proxyPort) => agent with
    {
        Name = agent.Name + "-probe",
        Entrypoint = ["bash", "-c"],
        Command = [Script(forbidden, proxyAddress, proxyHost, proxyPort)],
        Environment = [],
        Binds = [],
        AnonymousVolumes = [],
        Tty = false,
        Labels = new Dictionary<string, string>(agent.Labels) { [BottleLabels.Role] = "probe" },
    };

    /// <summary>How long an address has to answer: on a bridge a host answers in well under a millisecond.</summary>
    public const double SilenceSeconds = 0.5;

    /// <summary>Prints one FAIL line per broken promise, then PROBE OK or PROBE FAILED; exits non-zero on failure.</summary>
    public static string Script(IReadOnlyList<string> forbidden, string proxyAddress, string proxyHost, int proxyPort)
    {
        var script = new StringBuilder($$"""
            fail=0
            reach() { # a connection, or a refusal, means packets got there and back
              out=$(timeout {{SilenceSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}} bash -c "exec 3<>/dev/tcp/$1/$2" 2>&1) && return 0
              case "$out" in *refused*) return 0;; esac
              return 1
            }
            health() { timeout 3 bash -c "exec 3<>/dev/tcp/$1/{{proxyPort}} && printf 'GET /health HTTP/1.0\r\n\r\n' >&3 && head -n 1 <&3" 2>/dev/null | grep -q ' 200 '; }

            """);
        // Started alongside the proxy, the probe waits for it at its address: its name would not resolve until it
        // exists, and the resolver takes seconds to say so.
        script.Append($$"""
            healthy=0
            for i in $(seq 300); do  # the proxy may still be starting: up to a minute
              if timeout 0.3 bash -c 'exec 3<>/dev/tcp/{{proxyAddress}}/{{proxyPort}}' 2>/dev/null && health {{proxyAddress}}; then healthy=1; break; fi
              sleep 0.1
            done
            if [ $healthy = 0 ]; then echo "FAIL the proxy ({{proxyAddress}}:{{proxyPort}}) does not answer /health"; fail=1;
            elif ! health {{proxyHost}}; then echo "FAIL the proxy does not answer /health as {{proxyHost}}:{{proxyPort}}, the name the agent uses"; fail=1; fi

            """);
        // Only now, with the bottle's network proven to carry packets (the proxy answered over it), does silence from
        // an address mean it is out of reach: tried earlier, a bridge still coming up drops the first packets, and a
        // reachable host would pass for unreachable. The addresses are tried at once; each costs its full timeout.
        foreach (var address in forbidden)
            script.Append($"( if reach {address} 9; then echo \"FAIL {address} answered: the bottle reaches it directly\"; exit 1; fi ) &\n");
        script.Append("""
            for job in $(jobs -p); do wait $job || fail=1; done
            if [ $fail = 0 ]; then echo "PROBE OK"; else echo "PROBE FAILED"; exit 1; fi
            """);
        return script.ToString();
    }
}
