using System.Collections.Immutable;
using ClaudeBottle.Launcher.Manifest;

namespace ClaudeBottle.Launcher.Resolution;

/// <summary>The variables a bottle's credentials use: their values for the edge, their placeholders for the agent.</summary>
internal static class CredentialSecrets
{
    /// <summary>
    /// Each variable the credentials use, once, in order of first use; a variable that is not set, is empty, or holds
    /// what a header cannot hold is an error naming the agent, the credential and the variable, never the value.
    /// </summary>
    public static ImmutableArray<ResolvedSecret> Resolve(string file, string agentName, ImmutableArray<CredentialSpec> credentials,
        SecretBook book, List<ManifestError> errors)
    {
        var secrets = ImmutableArray.CreateBuilder<ResolvedSecret>();
        foreach (var credential in credentials)
        {
            foreach (var variable in credential.Variables)
            {
                var secret = book.Get(variable);
                if (Problem(variable, secret) is { } problem)
                {
                    // Claude's token is no manifest entry: its error has no JSON path.
                    var path = credential == BottleResolver.ClaudeTokenCredential ? "" : JsonPaths.Child(credential.Name, "value");
                    errors.Add(new ManifestError(file, path,
                        $"agent '{agentName}' needs ${{{variable}}} for the {credential.Header} header to {credential.Host}, but {problem}"));
                    continue;
                }
                if (!secrets.Any(s => s.Variable == variable))
                    secrets.Add(secret!);
            }
        }
        return secrets.ToImmutable();
    }

    private static string? Problem(string variable, ResolvedSecret? secret) => secret switch
    {
        null => $"{variable} is not set in the environment that launched claude-bottle; export it first",
        { Value.Length: 0 } => $"{variable} is empty in the environment that launched claude-bottle; export the credential's value",
        _ when secret.Value.Any(c => (c < ' ' && c != '\t') || c >= '\u007f') =>
            $"{variable} holds a line break, a control or a non-ASCII character, which a header cannot carry; check what it holds",
        _ => null,
    };

    /// <summary>
    /// A credential's variable that no env entry maps reaches the agent under its own name, as its placeholder, for
    /// tools that want a token before they send a request. A name the env already sets is left as the manifest wrote it.
    /// </summary>
    public static ImmutableArray<ResolvedEnvVar> AddUnmapped(ImmutableArray<ResolvedEnvVar> env, ImmutableArray<ResolvedSecret> secrets)
    {
        var added = secrets
            .Where(s => !env.Any(e => e.SourceVariable == s.Variable || e.Name == s.Variable))
            .Select(s => new ResolvedEnvVar(s.Variable, s.Placeholder, s.Variable))
            .ToList();
        if (added.Count == 0)
            return env;
        // Claude's token first, as MergeEnvironment puts it; the rest by name.
        return [.. env.Where(IsToken), .. env.Where(e => !IsToken(e)).Concat(added).OrderBy(e => e.Name, StringComparer.Ordinal)];
    }

    private static bool IsToken(ResolvedEnvVar e) => e.Name == AgentLayout.AgentTokenVariable;
}
