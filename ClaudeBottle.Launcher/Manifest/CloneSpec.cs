namespace ClaudeBottle.Launcher.Manifest;

/// <summary>
/// A workspace taken in clone mode: the agent works in a clone of its own, inside the bottle, never in the host's
/// repository. <paramref name="Ref"/> is the branch or tag it starts from (null: the commit the host's HEAD is at when
/// the bottle starts); <paramref name="JsonPath"/> is where that is written, for errors found at start.
/// </summary>
public sealed record CloneSpec(string? Ref, string JsonPath)
{
    /// <summary>The workspace key's modes: a private clone, or the folder bind-mounted as it is.</summary>
    public static readonly IReadOnlyList<string> Modes = ["clone", "mount"];
}
