namespace ClaudeBottle.Launcher.Planning;

/// <summary>
/// Labels on every Docker object claude-bottle creates. They let an app host find what it made, and find (and
/// remove) what a dead app host left behind, without touching another live app host's objects.
/// </summary>
public static class BottleLabels
{
    private const string Prefix = "io.claude-bottle.";

    /// <summary>Present on everything claude-bottle creates.</summary>
    public const string Project = Prefix + "project";
    public const string ProjectValue = "claude-bottle";

    /// <summary>The app host run that created the object.</summary>
    public const string Instance = Prefix + "instance";

    /// <summary>The machine that app host ran on; only an app host on the same machine can tell whether it is alive.</summary>
    public const string Host = Prefix + "host";

    /// <summary>The lock file the creating run holds while it lives (see Runtime/InstanceLease).</summary>
    public const string Lease = Prefix + "lease";

    /// <summary>The bottle instance (named after its agent).</summary>
    public const string Bottle = Prefix + "bottle";

    /// <summary>agent, proxy, edge, probe, telemetry, internal-network, middle-network or egress-network.</summary>
    public const string Role = Prefix + "role";

    /// <summary>
    /// One start of a bottle: what a failed start made is found by it, even an object whose create the client gave up
    /// on, and nothing of another start of the same bottle is.
    /// </summary>
    public const string Attempt = Prefix + "attempt";

    /// <summary>On an agent's state volume: the agent's name, and the manifest's real path and its key (the hash in the name).</summary>
    public const string Agent = Prefix + "agent";
    public const string Manifest = Prefix + "manifest";
    public const string ManifestKey = Prefix + "manifest-key";

    /// <summary>The role of an agent's state volume.</summary>
    public const string StateRole = "agent-state";

    /// <summary>
    /// An agent's state volume carries no run (instance, lease): it belongs to no run, so no run's removal or reaping
    /// finds it, and it is removed only on request.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ForState(Resolution.AgentState state, string agent) => new Dictionary<string, string>
    {
        [Project] = ProjectValue,
        [Role] = StateRole,
        [Agent] = agent,
        [Manifest] = state.ManifestFile,
        [ManifestKey] = state.ManifestKey,
    };

    /// <summary>The role of an agent's clone volume, and the repository and branch its work comes back to.</summary>
    public const string CloneRole = "workspace-clone";
    public const string Repository = Prefix + "repository";
    public const string Branch = Prefix + "branch";
    /// <summary>An image with git, to read a kept clone with: the agent's own.</summary>
    public const string GitImage = Prefix + "git-image";

    /// <summary>
    /// A clone volume carries its run, but only containers and networks are reaped: a clone whose work could not be
    /// brought back (its run died) stays, found by its role, repository and branch.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ForClone(string instance, string leaseFile, string bottle, string repository, string branch, string gitImage) =>
        new Dictionary<string, string>(For(instance, leaseFile, bottle, CloneRole))
        {
            [Agent] = bottle, [Repository] = repository, [Branch] = branch, [GitImage] = gitImage,
        };

    public static IReadOnlyDictionary<string, string> For(string instance, string leaseFile, string bottle, string role) => new Dictionary<string, string>
    {
        [Project] = ProjectValue,
        [Instance] = instance,
        [Lease] = leaseFile,
        [Host] = System.Environment.MachineName,
        [Bottle] = bottle,
        [Role] = role,
    };
}
