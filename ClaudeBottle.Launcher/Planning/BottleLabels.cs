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

    /// <summary>agent, proxy, internal-network or egress-network.</summary>
    public const string Role = Prefix + "role";

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
