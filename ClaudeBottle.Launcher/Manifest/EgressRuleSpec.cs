using System.Collections.Immutable;

namespace ClaudeBottle.Launcher.Manifest;

/// <summary>
/// A narrowing of one allowlisted host, applied by the bottle's edge proxy where it decrypts TLS: which methods, and
/// which path prefixes (decoded and normalised, <c>*</c> standing for one whole segment) are allowed or denied.
/// An empty list means "no narrowing by this".
/// </summary>
/// <param name="Name">The rule's JSON path without <c>$.</c>, e.g. <c>bottles.dev.egress.rules[0]</c>: it names the rule
/// in the proxy's decisions and on the dashboard.</param>
/// <param name="Host">A host or <c>*.domain</c> wildcard, lower case, covered by the allowlist.</param>
/// <param name="Methods">Upper-case methods the host may be sent; empty: any.</param>
/// <param name="Allow">Path prefixes the request must start with; empty: any.</param>
/// <param name="Deny">Path prefixes the request must not start with.</param>
public sealed record EgressRuleSpec(
    string Name,
    string Host,
    ImmutableArray<string> Methods,
    ImmutableArray<string> Allow,
    ImmutableArray<string> Deny);
