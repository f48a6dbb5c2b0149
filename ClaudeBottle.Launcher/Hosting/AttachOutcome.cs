namespace ClaudeBottle.Launcher.Hosting;

/// <summary>How an attached session ended: Claude's exit code, which becomes the app host's.</summary>
public sealed class AttachOutcome
{
    public int? ExitCode { get; internal set; }
}
