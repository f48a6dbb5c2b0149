using System.Text;
using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Resolution;

namespace ClaudeBottle.Launcher.Publishing;

/// <summary>
/// What stands in a stack for compose's <c>depends_on</c> and <c>volumes_from</c>, which swarm lacks. Swarm starts a
/// bottle's services together, so the agent's entry point waits (<see cref="StartScript"/>) for two files before it
/// becomes Claude: the probe's verdict, written by the probe service only once it passed, and the run CA, written by the
/// edge. Both are on volumes of the bottle's node backed by tmpfs: shared by that node's containers, writable only by
/// their writer (the agent mounts them read-only), and emptied when the last container using them stops. So their
/// writers stay up for the bottle's lifetime, the edge as it serves, the probe asleep once it passed: an agent that
/// restarts or is redeployed, or mounts the volume only after the probe finished, finds the verdict; a probe that runs
/// again first takes the verdict back, so no agent starts on an earlier one while it checks.
/// </summary>
internal static class SwarmGate
{
    /// <summary>Where the probe writes its verdict and the agent looks for it.</summary>
    public const string Directory = "/var/lib/claude-bottle-gate";

    public const string Passed = Directory + "/passed";

    /// <summary>The agent's entry point, a config of the stack's: any Debian-based agent image has <c>/bin/sh</c>.</summary>
    public const string ScriptPath = "/etc/claude-bottle/agent-start.sh";

    public const string ScriptFile = "swarm/agent-start.sh";

    /// <summary>How long the agent waits for the probe and the CA before it gives up and exits non-zero.</summary>
    public const int WaitSeconds = 300;

    public static readonly byte[] StartScript = Encoding.UTF8.GetBytes($"""
        #!/bin/sh
        # claude-bottle's agent start in a swarm stack: Claude starts only once the bottle's isolation probe passed and
        # the edge published its run CA (swarm has no depends_on). Then it becomes the agent's command, with no new
        # privileges (swarm drops security_opt), so no setuid program of the image gains anything.
        if ! command -v setpriv >/dev/null 2>&1; then
          echo "claude-bottle: the agent image has no setpriv (util-linux), which sets no-new-privileges under swarm; the agent does not start: install util-linux in the image" >&2
          exit 1
        fi
        waited=0
        while [ ! -f {Passed} ] || [ ! -s {AgentLayout.AgentCaFile} ] || [ ! -s {AgentLayout.CaBundleFile} ]; do
          if [ "$waited" -ge {WaitSeconds} ]; then
            echo "claude-bottle: the isolation probe did not pass, or the edge published no CA, within {WaitSeconds} s; the agent does not start (docker service logs <agent>-agent-probe, <agent>-edge)" >&2
            exit 1
          fi
          sleep 1
          waited=$((waited + 1))
        done
        exec setpriv --no-new-privs -- "$@"

        """.Replace("\r\n", "\n", StringComparison.Ordinal));

    public static void Wire(ComposeFile compose, string bottle, ComposeService edge, ComposeService probe, ComposeService agent)
    {
        var ca = $"{bottle}-ca";
        var gate = $"{bottle}-gate";
        compose.Volumes![ca] = TmpfsVolume($"{SwarmServices.Owner(EdgeProxy.User)},mode=0755,size=1m", bottle);
        compose.Volumes[gate] = TmpfsVolume($"{SwarmServices.Owner(AgentLayout.UserId)},mode=0700,size=64k", bottle);
        // The edge's image declares the CA folder a volume; here it is the node's tmpfs volume the agent reads.
        edge.Volumes = [.. (edge.Volumes ?? []).Where(v => v is not string s || s != AgentLayout.CaDirectory), $"{ca}:{AgentLayout.CaDirectory}:rw"];
        agent.Volumes = [.. agent.Volumes ?? [], $"{ca}:{AgentLayout.CaDirectory}:ro", $"{gate}:{Directory}:ro"];
        probe.Volumes = [.. probe.Volumes ?? [], $"{gate}:{Directory}:rw"];

        compose.Configs![ScriptFile.Replace('/', '-').Replace('.', '-')] = new ComposeConfig { File = "./" + ScriptFile };
        agent.Configs = [.. agent.Configs ?? [], new ComposeServiceConfig { Source = ScriptFile.Replace('/', '-').Replace('.', '-'), Target = ScriptPath, Mode = 0b100_100_100 }];
        agent.Entrypoint = ["/bin/sh", ScriptPath, .. agent.Entrypoint ?? []];
        // The verdict taken back, the probe image's own entry point, then the verdict and a sleep that holds the gate
        // volume mounted; '$' doubled, as compose and the stack loader fill in variables.
        probe.Command = [.. probe.Command ?? [], "--overlay"];
        probe.Entrypoint = ["bash", "-c",
            $"rm -f {Passed} && bash /usr/local/lib/claude-bottle/isolation-probe.sh \"$$@\" && : > {Passed} && exec sleep infinity", "isolation-probe"];
    }

    private static ComposeVolume TmpfsVolume(string options, string bottle) => new()
    {
        Driver = "local",
        DriverOpts = new(StringComparer.Ordinal) { ["type"] = "tmpfs", ["device"] = "tmpfs", ["o"] = options },
        Labels = new(StringComparer.Ordinal) { [BottleLabels.Project] = BottleLabels.ProjectValue, [BottleLabels.Bottle] = bottle },
    };
}
