using System.Text.Json;
using System.Text.Json.Nodes;
using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Resolution;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace ClaudeBottle.Launcher.Planning;

/// <summary>
/// A host allowed while the bottle runs: which hosts may be, the proxies' configurations with it added (both keep the
/// allowlist: the edge refuses a CONNECT before pipelock would), and the manifest line that keeps it for later runs.
/// </summary>
public static class LiveAllowlist
{
    private static readonly IDeserializer Yaml = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build();

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>
    /// Null when <paramref name="host"/> may be allowed live in a bottle whose allowlist is <paramref name="allowlist"/>,
    /// else why not. Only an exact host name, as the manifest accepts it: never a wildcard (a person confirms one host,
    /// not a domain the agent could fill), an address or a name the manifest would refuse.
    /// </summary>
    public static string? Check(string host, IEnumerable<string> allowlist)
    {
        if (host.StartsWith("*.", StringComparison.Ordinal) || host.Contains('*'))
            return $"'{NameRules.Printable(host)}' is a wildcard; a host is allowed live one name at a time (a wildcard belongs in the manifest)";
        if (HostnameRules.Check(host) is { } problem)
            return problem;
        var name = host.ToLowerInvariant();
        return allowlist.FirstOrDefault(entry => HostnameRules.Covers(entry, name)) is { } covering
            ? $"'{name}' is already allowed (by '{covering}')"
            : null;
    }

    /// <summary>
    /// Whether the edge can still open <paramref name="host"/>'s TLS: the run's CA, made at the bottle's start, is
    /// name-constrained to the domains of <paramref name="allowlistAtStart"/> (each entry and every name under it,
    /// <c>docker/edge/edge_ca.py</c>), and it can sign for no other name. Outside them the edge relays the tunnel unopened.
    /// </summary>
    public static bool Inspected(string host, IEnumerable<string> allowlistAtStart) =>
        allowlistAtStart.Select(e => e.StartsWith("*.", StringComparison.Ordinal) ? e[2..] : e)
            .Any(domain => HostnameRules.Covers("*." + domain, host));

    /// <summary>pipelock's configuration text <paramref name="yaml"/> with <paramref name="host"/> added to its <c>api_allowlist</c>.</summary>
    public static string AddToPipelockConfig(string yaml, string host)
    {
        var config = Yaml.Deserialize<PipelockConfig>(yaml);
        if (!config.ApiAllowlist.Contains(host, StringComparer.Ordinal))
            config.ApiAllowlist.Add(host);
        return PipelockConfigText.Write(config);
    }

    /// <summary>The edge's configuration text <paramref name="json"/> with <paramref name="host"/> added to its <c>allowlist</c>.</summary>
    public static string AddToEdgeConfig(string json, string host)
    {
        var config = JsonNode.Parse(json)?.AsObject() ?? throw new FormatException("the edge's configuration is not a JSON object");
        if (config["allowlist"] is not JsonArray allowlist)
            throw new FormatException("the edge's configuration has no allowlist");
        if (!allowlist.Any(entry => entry?.GetValue<string>() == host))
            allowlist.Add(host);
        return config.ToJsonString(Indented) + "\n";
    }

    /// <summary>
    /// Where and what to write in the manifest to keep <paramref name="live"/> allowed: the bottle's own allowlist (not
    /// Claude's hosts, which every bottle gets) with them added, as the manifest spells it.
    /// </summary>
    public static string ManifestLine(ResolvedBottle bottle, IEnumerable<string> live, string manifestFile = "claude-bottle.json")
    {
        var hosts = bottle.Allowlist.Except(ClaudeHosts.Required, StringComparer.Ordinal).Concat(live)
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var list = string.Join(", ", hosts.Select(h => JsonSerializer.Serialize(h)));
        var path = JsonPaths.Child(JsonPaths.Child(JsonPaths.Child("bottles", bottle.BottleName), "egress"), "allowlist");
        return $"{manifestFile}: $.{path}: \"egress\": {{ \"allowlist\": [{list}] }}";
    }
}
