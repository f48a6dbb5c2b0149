using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Resolution;

namespace ClaudeBottle.Launcher.Publishing;

/// <summary>
/// How every publish target resolves a manifest and what it draws. No value is read, and nothing is random: the
/// placeholders and the scan API's token are derived from the inputs (<see cref="DerivedDraw"/>), so two publishes of the
/// same inputs are byte-identical. Neither is a secret: the agent holds its placeholders, and the token grants nothing but
/// scans of text the caller sends itself, on a network only the edge and pipelock are on.
/// </summary>
public static class PublishResolution
{
    /// <summary>Changing it changes every published placeholder and token: versioned, so a later scheme can move on.</summary>
    private static readonly DerivedDraw Draw = new("claude-bottle publish v1");

    // A placeholder keeps its value's prefix (up to a '-' or '_' early on), length and alphabet: a Claude OAuth token is
    // 108 characters of base64url.
    private static readonly string ClaudeTokenShape = "sk-ant-oat01-" + new string('A', 91) + "a0-_";
    private static readonly string OtherShape = "placeholder_" + new string('A', 30) + "a0";

    /// <summary>
    /// The bottles for publishing. Every <c>${NAME}</c> resolves to a stand-in that only shapes its placeholder: Claude's
    /// token keeps the form of a Claude OAuth token (for Claude Code); any other reads <c>placeholder_…</c>, which no one
    /// takes for a credential. The real values go into the secrets the operator provides on the target.
    /// </summary>
    public static IReadOnlyList<ResolvedBottle> Resolve(BottleManifest manifest) =>
        BottleResolver.Resolve(manifest, name => name == AgentLayout.TokenVariable ? ClaudeTokenShape : OtherShape, Draw);

    /// <summary>The scan API's token of one bottle's edge and pipelock (48 hexadecimal digits).</summary>
    public static string ScanApiToken(string bottleName) => Draw.Hex($"scan-api-token\n{bottleName}", 24);

    /// <summary>
    /// Stops a publish of a bottle whose workspace is taken in clone mode: the app host fills a clone and brings its work
    /// back, and a deployment has no one to do either, so every target refuses it rather than publish a bottle without it.
    /// </summary>
    public static void RefuseClone(ResolvedBottle bottle)
    {
        if (bottle.WorkspaceClone is { } clone)
            throw new InvalidOperationException($"{clone.File}: agents.{bottle.Name}.workspace: the workspace {clone.Repository} is a git repository, taken " +
                                                "in clone mode, which only the app host's run mode does (it fills the clone and brings the work back); " +
                                                "add \"mode\": \"mount\" to publish it as a mounted folder; nothing was published");
    }
}
