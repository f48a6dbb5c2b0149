namespace ClaudeBottle.Launcher.Resolution;

/// <summary>
/// A variable of the launching environment that a bottle's credentials use: its real value, which only the bottle's
/// edge proxy receives (on its stdin, at start), and the placeholder the agent holds instead. <see cref="ToString"/>
/// shows neither.
/// </summary>
public sealed class ResolvedSecret(string variable, string value, string placeholder)
{
    /// <summary>The launching environment's variable, e.g. <c>GITHUB_TOKEN</c>.</summary>
    public string Variable { get; } = variable;

    /// <summary>The real value. Never to be logged, shown, written to a file or put in a container's environment.</summary>
    public string Value { get; } = value;

    /// <summary>What the agent holds instead; the edge swaps it for <see cref="Value"/> only on the credential's host.</summary>
    public string Placeholder { get; } = placeholder;

    public override string ToString() => $"${{{Variable}}} (secret, the agent holds a placeholder)";
}
