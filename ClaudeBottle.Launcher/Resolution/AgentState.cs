using System.Security.Cryptography;
using System.Text;

namespace ClaudeBottle.Launcher.Resolution;

/// <summary>
/// Where an agent's Claude state is kept between runs: a named volume of the engine's, mounted at
/// <see cref="AgentLayout.ClaudeDirectory"/>. Keyed by the manifest's real path and the agent's name, so two manifests
/// with an agent of the same name never share a conversation, and the same manifest finds its own again.
/// </summary>
/// <param name="Volume">The volume's name: <c>claude-bottle-state-&lt;12 hex of the manifest's path hash&gt;-&lt;agent&gt;</c>.</param>
/// <param name="ManifestFile">The manifest's real path, shown and written into the volume's labels.</param>
/// <param name="ManifestKey">The twelve hex digits of the path's hash in the volume's name.</param>
/// <param name="Mode">What this start does with the kept state.</param>
public sealed record AgentState(string Volume, string ManifestFile, string ManifestKey, ConversationMode Mode)
{
    public const string VolumePrefix = "claude-bottle-state-";

    public bool IsKept => Mode != ConversationMode.None;

    /// <summary>The state of <paramref name="agent"/> of the manifest at <paramref name="manifestFile"/> (its real path).</summary>
    public static AgentState For(string manifestFile, string agent, ConversationMode mode)
    {
        var key = ManifestKeyOf(manifestFile);
        return new AgentState($"{VolumePrefix}{key}-{agent}", manifestFile, key, mode);
    }

    /// <summary>Twelve hex digits of the SHA-256 of the manifest's real path.</summary>
    public static string ManifestKeyOf(string manifestFile) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(manifestFile)))[..12];
}
