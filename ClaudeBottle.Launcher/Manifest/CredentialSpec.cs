using System.Collections.Immutable;

namespace ClaudeBottle.Launcher.Manifest;

/// <summary>
/// A header the bottle's edge proxy sets on every request to one host, its value rendered from the launching
/// environment. The agent never holds the value: it sees a placeholder, and only the edge puts the real one in.
/// </summary>
/// <param name="Name">The credential's JSON path without <c>$.</c>, e.g. <c>bottles.dev.credentials[0]</c>.</param>
/// <param name="Host">One concrete host (no wildcard), lower case, allowlisted and not passed through.</param>
/// <param name="Header">The header's name as written.</param>
/// <param name="Template">The value as written, e.g. <c>Bearer ${GITHUB_TOKEN}</c>; it holds names, never values.</param>
/// <param name="Variables">The <c>${NAME}</c>s the template uses, in order of first use, each once.</param>
public sealed record CredentialSpec(
    string Name,
    string Host,
    string Header,
    string Template,
    ImmutableArray<string> Variables);
