namespace ClaudeBottle.Launcher.Planning;

/// <summary>
/// How much output the engine keeps of one container: <see cref="Files"/> files of at most <see cref="MaxSize"/>
/// each, in the engine's <c>json-file</c> driver (which the app host reads the logs through). Without it the
/// driver never rotates, and an agent that prints without end fills the host's disk.
/// </summary>
public sealed record LogRotation(string MaxSize, int Files)
{
    /// <summary>30 MiB a container: far more than the dashboard shows, which reads the output as it comes.</summary>
    public static LogRotation Default { get; } = new("10m", 3);

    public const string Driver = "json-file";
}
