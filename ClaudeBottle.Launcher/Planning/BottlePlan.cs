using ClaudeBottle.Launcher.Resolution;

namespace ClaudeBottle.Launcher.Planning;

/// <summary>
/// The containers and networks of one bottle, as engine specs. Three networks, each a hop of the agent's only way out:
/// the internal network (agent, edge, telemetry sink; no address on the host), the middle network (edge and pipelock
/// only) and the egress network (pipelock's). The agent reaches the edge alone; the edge reaches pipelock alone; only
/// pipelock reaches out. Run mode creates exactly these; the compose publisher writes the same description.
/// </summary>
public sealed record BottlePlan(
    ResolvedBottle Bottle,
    NetworkSpec InternalNetwork,
    NetworkSpec MiddleNetwork,
    NetworkSpec EgressNetwork,
    ContainerSpec Proxy,
    string ProxyConfig,
    ContainerSpec? Edge,
    string EdgeConfig,
    ContainerSpec Agent,
    ContainerSpec? Telemetry = null,
    ContainerSpec? Probe = null)
{
    /// <summary>The agent's state volume, made before the agent when missing (emptied first for a fresh start); null when nothing is kept.</summary>
    public VolumeSpec? StateVolume { get; init; }

    /// <summary>The agent's private clone of its workspace's repository, made before the agent; null when the workspace is a mount or absent.</summary>
    public ClonePlan? WorkspaceClone { get; init; }

    /// <summary>
    /// Without its own IPv4 address the internal bridge offers the agent no address through which it reaches the
    /// host; containers on it still reach each other.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> NoHostAddress =
        new Dictionary<string, string> { ["com.docker.network.bridge.inhibit_ipv4"] = "true" };

    public static BottlePlan Create(ResolvedBottle bottle, BottlePlanSettings settings)
    {
        var prefix = $"{settings.NamePrefix}{bottle.Name}";
        var labels = (string role) => BottleLabels.For(settings.Instance, settings.LeaseFile, bottle.Name, role);
        var internalNetwork = new NetworkSpec($"{prefix}-internal", Internal: true, labels("internal-network"), NoHostAddress);
        var middleNetwork = new NetworkSpec($"{prefix}-middle", Internal: true, labels("middle-network"), NoHostAddress);
        var egressNetwork = new NetworkSpec($"{prefix}-egress", Internal: false, labels("egress-network"), new Dictionary<string, string>());
        // Made per run: the scan API answers only whoever shows it (the edge); it opens nothing else.
        var scanApiToken = settings.ScanApiToken ?? Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));

        var proxy = new ContainerSpec
        {
            Name = $"{prefix}-proxy",
            Image = settings.PipelockImage,
            Command = PipelockImage.Command,
            Labels = labels("proxy"),
            Network = middleNetwork.Name,
            NetworkAliases = [AgentLayout.PipelockHost],
            User = PipelockImage.User,
            ReadOnlyRootFilesystem = true,
            // A crashed proxy comes back by itself; one stopped on purpose stays stopped.
            RestartUnlessStopped = true,
            // The agent decides how much traffic the proxy carries: bounded, a flood costs the bottle, not the host.
            MemoryBytes = PipelockImage.MemoryBytes,
            Pids = PipelockImage.Pids,
            Cpus = PipelockImage.Cpus,
            // No secret at all: the agent holds none to leak, and the edge, which holds them, checks what it sends.
            Binds = [new BindMount(settings.PipelockConfigFile, PipelockImage.ConfigPath, ReadOnly: true)],
            Health = new HealthProbe(["/pipelock", "healthcheck", "--addr", $"127.0.0.1:{AgentLayout.PipelockPort}"],
                // For the dashboard's ongoing view; starting does not wait for it (the isolation probe asks /health
                // itself), so the engine need not run it every second in every bottle.
                Interval: TimeSpan.FromSeconds(10), Timeout: TimeSpan.FromSeconds(3), Retries: 3),
        };
        var edge = settings.EdgeImage is { } edgeImage
            ? EdgeProxy.Spec($"{prefix}-edge", edgeImage, internalNetwork.Name, labels(EdgeProxy.Role),
                settings.EdgeConfigFile ?? throw new ArgumentException("an edge needs its configuration file", nameof(settings)),
                settings.ExtraCaCertificatesFile)
            : null;

        var clone = bottle.WorkspaceClone is { } source ? PlanClone(bottle, source, settings, prefix) : null;
        var agent = new ContainerSpec
        {
            Name = $"{prefix}-agent",
            Image = settings.AgentImage,
            Entrypoint = ["claude"],
            Command = ClaudeArguments(bottle),
            Tty = !bottle.IsHeadless,
            Environment = AgentEnvironment(bottle, settings),
            Labels = labels("agent"),
            Network = internalNetwork.Name,
            // Never root, whatever the image says: a bottle's own image or build could otherwise run Claude as root.
            User = AgentLayout.UserId,
            Dns = [AgentLayout.NoRouteResolver],
            Binds = [.. bottle.Mounts.Select(m => new BindMount(m.Source, m.Target, m.ReadOnly))],
            // The run CA's certificates, read-only; the edge's private tmpfs (the CA key) is not a volume, so not shared.
            VolumesFrom = edge is null ? [] : [$"{edge.Name}:ro"],
            // Nothing outside the home directory, the workspace and /tmp is writable: the image cannot be altered.
            ReadOnlyRootFilesystem = true,
            AnonymousVolumes = [AgentLayout.Home],
            // Over the home's volume; the skills' binds land inside it (the engine mounts the shorter path first).
            NamedVolumes =
            [
                .. bottle.State.IsKept ? [new VolumeMount(bottle.State.Volume, AgentLayout.ClaudeDirectory)] : Array.Empty<VolumeMount>(),
                .. clone is null ? [] : new[] { new VolumeMount(clone.Volume.Name, AgentLayout.Workspace) },
            ],
            Tmpfs = new Dictionary<string, string> { ["/tmp"] = "rw,nosuid,nodev,size=1g" },
            Cpus = bottle.Limits.Cpus,
            MemoryBytes = bottle.Limits.MemoryBytes,
            Pids = bottle.Limits.Pids,
        };
        var telemetry = settings.TelemetrySinkImage is { } sinkImage
            ? TelemetrySink.Spec($"{prefix}-telemetry", sinkImage, internalNetwork.Name, labels("telemetry"))
            : null;
        var probe = settings.ProbeImage is { } probeImage ? IsolationProbe.Spec(agent, probeImage, labels(IsolationProbe.Role)) : null;
        return new BottlePlan(bottle, internalNetwork, middleNetwork, egressNetwork, proxy, PipelockConfigText.Write(bottle, scanApiToken),
            edge, EdgeConfigText.Write(bottle, scanApiToken, settings.ExtraCaCertificatesFile is not null), agent, telemetry, probe)
        {
            StateVolume = bottle.State.IsKept ? new VolumeSpec(bottle.State.Volume, BottleLabels.ForState(bottle.State, bottle.Name)) : null,
            WorkspaceClone = clone,
        };
    }

    /// <summary>This start's clone: a volume of its own (so two agents, or two starts, never share one) and a branch named after the run.</summary>
    private static ClonePlan PlanClone(ResolvedBottle bottle, Resolution.WorkspaceClone source, BottlePlanSettings settings, string prefix)
    {
        var run = settings.RunId ?? ClonePlan.NewRun();
        var branch = Resolution.WorkspaceClone.Branch(bottle.Name, run);
        return new ClonePlan(source, branch, new VolumeSpec($"{prefix}-workspace-{run}",
            BottleLabels.ForClone(settings.Instance, settings.LeaseFile, bottle.Name, source.Repository, branch, settings.AgentImage)), settings.AgentImage);
    }

    /// <summary>
    /// Headless: the prompt, streamed as JSON so the dashboard can show each step. Interactive: Claude on the TTY.
    /// The prompt is an argument, visible in <c>docker inspect</c>; it is the manifest's text, never a secret.
    /// </summary>
    public static IReadOnlyList<string> ClaudeArguments(ResolvedBottle bottle)
    {
        // --continue takes the most recent conversation in the working directory, and starts a new one when there is
        // none (Claude Code 2.1.332, measured), so a first resume needs no special case.
        string[] resume = bottle.State.Mode == ConversationMode.Resume ? ["--continue"] : [];
        return bottle.Prompt is { } prompt
            // After "--", so that a prompt beginning with "-" is a prompt and not an option Claude refuses (measured).
            ? ["-p", .. resume, "--output-format", "stream-json", "--verbose", "--permission-mode", bottle.PermissionMode, "--", prompt]
            : [.. resume, "--permission-mode", bottle.PermissionMode];
    }

    /// <summary>The variables that name the CA bundle for the tools that read one.</summary>
    public static readonly IReadOnlyList<string> CaBundleVariables = ["SSL_CERT_FILE", "CURL_CA_BUNDLE", "REQUESTS_CA_BUNDLE", "GIT_SSL_CAINFO"];

    /// <summary>The proxy settings first, so that nothing in the manifest can come before them.</summary>
    private static List<KeyValuePair<string, string>> AgentEnvironment(ResolvedBottle bottle, BottlePlanSettings settings)
    {
        var proxy = AgentLayout.ProxyUrl;
        // The telemetry sink is inside the bottle: asked through the proxy, it would be an unknown host.
        var direct = settings.TelemetrySinkImage is null ? "localhost,127.0.0.1" : $"localhost,127.0.0.1,{TelemetrySink.Host}";
        List<KeyValuePair<string, string>> env =
        [
            new("HTTP_PROXY", proxy), new("HTTPS_PROXY", proxy), new("http_proxy", proxy), new("https_proxy", proxy),
            new("NO_PROXY", direct), new("no_proxy", direct),
        ];
        // Subprocess scrubbing off, whatever the image says: with it on Claude Code needs bubblewrap namespaces that a
        // hardened container does not give, and its Bash asks approval for file writes even then (docs/security.md).
        // Claude sends no nonessential traffic (its vendor telemetry, error reports, updates); its OpenTelemetry, when
        // on, goes to the bottle's own sink.
        env.Add(new("CLAUDE_CODE_SUBPROCESS_ENV_SCRUB", "0"));
        env.Add(new("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1"));
        // The run CA (with the operator's) for Node, which adds one file to its roots; the whole bundle for tools that
        // replace their roots with the file they are given (OpenSSL, curl, git, Python requests).
        env.Add(new("NODE_EXTRA_CA_CERTS", AgentLayout.AgentCaFile));
        foreach (var name in CaBundleVariables)
            env.Add(new(name, AgentLayout.CaBundleFile));
        if (settings.TelemetrySinkImage is not null)
            env.AddRange(TelemetrySink.AgentEnvironment(bottle, settings.TraceParent));
        env.AddRange(bottle.Environment.Select(e => new KeyValuePair<string, string>(e.Name, e.Value)));
        return env;
    }
}
