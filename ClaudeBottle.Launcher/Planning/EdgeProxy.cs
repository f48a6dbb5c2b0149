using ClaudeBottle.Launcher.Resolution;

namespace ClaudeBottle.Launcher.Planning;

/// <summary>
/// The bottle's edge (<c>docker/edge</c>): mitmproxy with the product's addon, the only proxy the agent can reach. It
/// terminates the agent's TLS with a CA made for the run, applies the bottle's method and path rules, has pipelock's
/// scan API check what the agent sends, sets the bottle's credentials on their declared hosts, takes them out of what
/// comes back, and forwards everything through pipelock, which keeps the allowlist. It holds the real credential values,
/// in memory only: they reach it over its stdin, never through the engine's records.
/// </summary>
public static class EdgeProxy
{
    /// <summary>The role label of the edge's container.</summary>
    public const string Role = "edge";

    public const string User = "65534:65534";

    /// <summary>Where the edge reads its configuration (<see cref="EdgeConfig"/>), bound read-only.</summary>
    public const string ConfigPath = "/etc/claude-bottle/edge.json";

    /// <summary>Where the operator's extra CA certificates are bound: the edge trusts them towards the outside.</summary>
    public const string ExtraCaPath = "/etc/claude-bottle/extra-ca.crt";

    /// <summary>The edge's private tmpfs: the CA's key and mitmproxy's state live there and nowhere else.</summary>
    public const string PrivateDirectory = "/run/claude-bottle-edge";

    /// <summary>Where a compose or swarm deployment mounts the edge's secrets (a run gives them on stdin).</summary>
    public const string SecretsFile = "/run/secrets/claude-bottle-edge";

    public const long MemoryBytes = 256L << 20;

    public const long Pids = 128;

    public const double Cpus = 1;

    /// <summary>
    /// The edge's container: on the internal network as <see cref="AgentLayout.ProxyHost"/> (the runner joins it to the
    /// middle network, where pipelock is), stdin open for its secrets, the CA volume the agent mounts from it.
    /// </summary>
    public static ContainerSpec Spec(string name, string image, string internalNetwork, IReadOnlyDictionary<string, string> labels,
        string configFile, string? extraCaFile)
    {
        List<BindMount> binds = [new(configFile, ConfigPath, ReadOnly: true)];
        if (extraCaFile is not null)
            binds.Add(new BindMount(extraCaFile, ExtraCaPath, ReadOnly: true));
        return new ContainerSpec
        {
            Name = name,
            Image = image,
            Labels = labels,
            Network = internalNetwork,
            NetworkAliases = [AgentLayout.ProxyHost],
            User = User,
            ReadOnlyRootFilesystem = true,
            DropAllCapabilities = true,
            NoNewPrivileges = true,
            // Not restarted by the engine: a restarted edge gets no secrets (stdin is read once), so it would only fail.
            // Without it the agent has no way out at all, which is the safe way to fail.
            RestartUnlessStopped = false,
            OpenStdin = true,
            Binds = binds,
            Tmpfs = new Dictionary<string, string> { [PrivateDirectory] = "rw,nosuid,nodev,noexec,size=16m,mode=0700,uid=65534,gid=65534" },
            AnonymousVolumes = [AgentLayout.CaDirectory],
            MemoryBytes = MemoryBytes,
            Pids = Pids,
            Cpus = Cpus,
            // For the dashboard's ongoing view, like pipelock's; the start waits for the isolation probe instead.
            Health = new HealthProbe(["python3", "/usr/local/lib/claude-bottle-edge/healthcheck.py"],
                Interval: TimeSpan.FromSeconds(10), Timeout: TimeSpan.FromSeconds(3), Retries: 3),
        };
    }
}
