namespace ClaudeBottle.Launcher.Manifest;

/// <summary>
/// Claude Code's own hosts, and where its token goes: the manifest is checked against them (their token must be
/// injected, so they are never passed through, and the default credential is not declared twice).
/// </summary>
internal static class ClaudeEndpoints
{
    public static readonly IReadOnlyList<string> Hosts = ["api.anthropic.com", "claude.ai", "platform.claude.com"];

    /// <summary>The host and header of the credential every bottle gets when the launching user has a Claude token.</summary>
    public const string TokenHost = "api.anthropic.com";
    public const string TokenHeader = "Authorization";
}
