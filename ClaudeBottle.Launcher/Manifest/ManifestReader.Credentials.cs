using System.Collections.Immutable;
using System.Text.Json;

namespace ClaudeBottle.Launcher.Manifest;

/// <summary>Reading a bottle's credentials: which header the edge sets on which host, from which variables.</summary>
internal sealed partial class ManifestReader
{
    private ImmutableArray<CredentialSpec> ReadCredentials(JsonElement element, string path, EgressScope scope)
    {
        var credentials = ImmutableArray.CreateBuilder<CredentialSpec>();
        var seen = new Dictionary<(string Host, string Header), string>();
        foreach (var (item, itemPath) in Items(element, path))
        {
            if (!ExpectKind(item, itemPath, JsonValueKind.Object))
                continue;
            string? host = null, header = null, template = null;
            var variables = ImmutableArray<string>.Empty;
            foreach (var (key, value, childPath) in Properties(item, itemPath, CredentialKeys))
            {
                switch (key)
                {
                    case "host": host = CredentialHost(value, childPath, scope); break;
                    case "header":
                        if (ExpectString(value, childPath) is { } name)
                        {
                            if (HttpRules.CheckHeaderName(name) is { } problem) Error(childPath, problem);
                            else header = name;
                        }
                        break;
                    case "value":
                        if (ExpectString(value, childPath) is { } text)
                        {
                            if (HttpRules.CheckTemplate(text, out variables) is { } problem) Error(childPath, problem);
                            else template = text;
                        }
                        break;
                }
            }
            foreach (var (key, example) in new[] { ("host", "\"api.github.com\""), ("header", "\"Authorization\""), ("value", "\"Bearer ${GITHUB_TOKEN}\"") })
                if (!item.TryGetProperty(key, out _))
                    Error(itemPath, $"has no \"{key}\"; a credential needs \"host\", \"header\" and \"value\", e.g. \"{key}\": {example}");
            if (host is null || header is null || template is null)
                continue;
            if (host == ClaudeEndpoints.TokenHost && header.Equals(ClaudeEndpoints.TokenHeader, StringComparison.OrdinalIgnoreCase))
            {
                Error(itemPath, $"claude-bottle already sets {ClaudeEndpoints.TokenHeader} on {ClaudeEndpoints.TokenHost} from " +
                                "CLAUDE_BOTTLE_OAUTH_TOKEN (the agent sees a placeholder); remove this credential");
                continue;
            }
            var headerKey = header.ToLowerInvariant();
            if (seen.TryGetValue((host, headerKey), out var other))
            {
                Error(itemPath, $"sets {header} on {host}, as {other} already does; keep one");
                continue;
            }
            seen[(host, headerKey)] = itemPath;
            credentials.Add(new CredentialSpec(itemPath, host, header, template, variables));
        }
        return credentials.ToImmutable();
    }

    private string? CredentialHost(JsonElement value, string path, EgressScope scope)
    {
        if (ExpectString(value, path) is not { } entry)
            return null;
        if (entry.Contains('*'))
        {
            Error(path, $"'{NameRules.Printable(entry)}' is a wildcard; a credential goes to one named host, so give that host, " +
                        $"e.g. '{(entry.StartsWith("*.", StringComparison.Ordinal) ? "api." + entry[2..] : "api.github.com")}'");
            return null;
        }
        if (HostnameRules.Check(entry) is { } problem)
        {
            Error(path, problem);
            return null;
        }
        var host = entry.ToLowerInvariant();
        if (scope.Checked && !scope.Allows(host))
            Error(path, $"'{host}' is not in the bottle's egress allowlist; add it to \"allowlist\" (a credential is only sent where the agent may go)");
        else if (scope.PassedThroughBy(host) is { } passed)
            Error(path, $"'{host}' is passed through ('{passed}' in \"passThrough\"): its traffic is not decrypted, so no header " +
                        "can be put in; take the host out of \"passThrough\"");
        return host;
    }
}
