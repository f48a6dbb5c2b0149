namespace ClaudeBottle.Launcher.Resolution;

/// <summary>
/// One variable of an agent's environment. Values taken from the launching environment (<c>${NAME}</c>) are
/// secrets: <see cref="ToString"/> never shows them, and only <see cref="Value"/> hands them to the engine.
/// </summary>
public sealed class ResolvedEnvVar(string name, string value, string? sourceVariable)
{
    public string Name { get; } = name;

    public string Value { get; } = value;

    /// <summary>The launching environment's variable the value came from; null for a literal from the manifest.</summary>
    public string? SourceVariable { get; } = sourceVariable;

    public bool IsSecret => SourceVariable is not null;

    /// <summary>What may be shown to a person: the name, and for a secret only where it came from.</summary>
    public override string ToString() => IsSecret ? $"{Name} (from ${{{SourceVariable}}})" : Name;
}
