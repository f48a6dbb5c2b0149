namespace ClaudeBottle.Launcher.Runtime;

/// <summary>A bottle could not be started; says which step failed and why. Never carries a secret value.</summary>
public sealed class BottleStartException(string bottle, string step, string reason, Exception? inner = null)
    : Exception($"Bottle '{bottle}' failed to start while {step}: {reason}", inner)
{
    public string Step { get; } = step;
    public string Reason { get; } = reason;
}
