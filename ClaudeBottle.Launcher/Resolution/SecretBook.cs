namespace ClaudeBottle.Launcher.Resolution;

/// <summary>
/// The launching environment's variables as one resolution reads them: each read once, and given one placeholder,
/// which every agent env entry and every credential using the variable shares.
/// </summary>
internal sealed class SecretBook(Func<string, string?> environment, DerivedDraw? derived = null)
{
    private readonly Dictionary<string, ResolvedSecret?> _read = new(StringComparer.Ordinal);

    /// <summary>The variable's value and placeholder; null when the launching environment does not set it.</summary>
    public ResolvedSecret? Get(string variable)
    {
        if (!_read.TryGetValue(variable, out var secret))
            _read[variable] = secret = environment(variable) is { } value
                ? new ResolvedSecret(variable, value, Placeholder.For(value, derived, variable))
                : null;
        return secret;
    }
}
