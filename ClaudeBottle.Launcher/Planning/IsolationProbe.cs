using System.Globalization;
using ClaudeBottle.Launcher.Resolution;

namespace ClaudeBottle.Launcher.Planning;

/// <summary>
/// The fail-closed check made before an agent exists (<c>docker/probe/isolation-probe.sh</c>): a throwaway container
/// on the agent's network, as the agent's user, that checks the proxy answers and nothing else does (no route out, no
/// gateway of any bottle network on any of <see cref="Ports"/>). It runs from the product's own probe image, never
/// from the agent's, which the manifest chooses and which could answer "ok" to anything.
/// </summary>
public static class IsolationProbe
{
    /// <summary>The role label of the probe's container.</summary>
    public const string Role = "probe";

    /// <summary>
    /// The ports tried at every gateway: discard (a host that refuses answers there), ssh, DNS, HTTP(S), the engine's
    /// TCP API, common proxies and development servers, and Aspire's dashboard. A firewall that drops some ports and
    /// lets another through is caught by the others.
    /// </summary>
    public static readonly IReadOnlyList<int> Ports = [9, 22, 53, 80, 443, 2375, 2376, 3128, 8080, 8888, 9090, 18888];

    /// <summary>How long an address has to answer: on a bridge a host answers in well under a millisecond.</summary>
    public const double SilenceSeconds = 0.5;

    /// <summary>
    /// The probe's container: the probe image, the agent's network and user, nothing of the agent's own (no
    /// environment, mounts or image); the engine's gateways are added when they are known (<see cref="Arguments"/>).
    /// </summary>
    public static ContainerSpec Spec(ContainerSpec agent, string image, IReadOnlyDictionary<string, string> labels) => new()
    {
        Name = agent.Name + "-probe",
        Image = image,
        Command = Arguments(null, [], Ports),
        Labels = labels,
        Network = agent.Network,
        Dns = agent.Dns,
        User = agent.User,
        ReadOnlyRootFilesystem = true,
        DropAllCapabilities = true,
        NoNewPrivileges = true,
        // Limits of its own, not the agent's: room for a shell per address and port tried at once, no CPU cap on the
        // start's critical path.
        MemoryBytes = 256L * 1024 * 1024,
        Pids = 512,
    };

    /// <summary>The probe's arguments: where the proxy is, the gateways the engine reports, the ports to try.</summary>
    public static IReadOnlyList<string> Arguments(string? proxyAddress, IEnumerable<string> gateways, IEnumerable<int> ports)
    {
        List<string> args = ["--proxy-host", AgentLayout.ProxyHost, "--proxy-port", AgentLayout.ProxyPort.ToString(CultureInfo.InvariantCulture),
            "--silence", SilenceSeconds.ToString(CultureInfo.InvariantCulture)];
        if (proxyAddress is not null)
            args.AddRange(["--proxy-address", proxyAddress]);
        foreach (var gateway in gateways)
            args.AddRange(["--gateway", gateway]);
        foreach (var port in ports)
            args.AddRange(["--port", port.ToString(CultureInfo.InvariantCulture)]);
        // pipelock is the edge's way out, not the agent's: its name must not resolve where the agent is.
        args.AddRange(["--absent-name", AgentLayout.PipelockHost]);
        return args;
    }
}
