namespace ClaudeBottle.Launcher.Planning;

/// <summary>A narrowing of one allowlisted host to methods and path prefixes, enforced where TLS is terminated.</summary>
public sealed record EdgeRule(string Name, string Host, IReadOnlyList<string> Methods, IReadOnlyList<string> Allow, IReadOnlyList<string> Deny);
