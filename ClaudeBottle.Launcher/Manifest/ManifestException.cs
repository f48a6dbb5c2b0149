namespace ClaudeBottle.Launcher.Manifest;

/// <summary>Thrown when a manifest cannot be used. Carries every problem found, not just the first.</summary>
public sealed class ManifestException(IReadOnlyList<ManifestError> errors)
    : Exception(Describe(errors))
{
    public IReadOnlyList<ManifestError> Errors { get; } = errors;

    private static string Describe(IReadOnlyList<ManifestError> errors)
    {
        var noun = errors.Count == 1 ? "problem" : "problems";
        return $"The manifest has {errors.Count} {noun}:{Environment.NewLine}" +
               string.Join(Environment.NewLine, errors.Select(e => "  " + e));
    }
}
