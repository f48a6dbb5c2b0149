using System.Collections.Immutable;
using System.Text.Json;

namespace ClaudeBottle.Launcher.Manifest;

/// <summary>
/// Walks a parsed manifest, checking every value and collecting every problem with its JSON path, so that the user
/// sees all of them at once. Relative paths in the manifest are taken from the manifest's own directory.
/// </summary>
internal sealed partial class ManifestReader
{
    private static readonly string[] RootKeys = ["$schema", "bottles", "agents"];
    private static readonly string[] BottleKeys = ["env", "ssh", "egress", "credentials", "resources", "image", "build"];
    private static readonly string[] EgressKeys = ["allowlist", "rules", "passThrough"];
    private static readonly string[] RuleKeys = ["host", "methods", "allow", "deny"];
    private static readonly string[] CredentialKeys = ["host", "header", "value"];
    private static readonly string[] ResourceKeys = ["cpus", "memory", "pids"];
    private static readonly string[] BuildKeys = ["context", "dockerfile"];
    private static readonly string[] AgentKeys = ["bottle", "skills", "env", "prompt", "workspace", "permissionMode", "resume"];

    public const double MaxCpus = 512;
    public const int MaxAgents = 200;
    public const long MaxPids = 4_194_304;

    private readonly string _file;
    private readonly string _directory;
    private readonly string _realDirectory;
    private readonly List<ManifestError> _errors = [];

    private ManifestReader(string file, string directory)
    {
        _file = file;
        _directory = directory;
        _realDirectory = HostFile.Resolve(directory, out _) ?? HostPaths.Real(directory);
    }

    public static (BottleManifest? Manifest, IReadOnlyList<ManifestError> Errors) Read(
        JsonElement root, string displayName, string filePath, string directory)
    {
        var reader = new ManifestReader(displayName, directory);
        var manifest = reader.ReadRoot(root, filePath);
        return reader._errors.Count == 0 ? (manifest, []) : (null, reader._errors);
    }

    private void Error(string path, string message) => _errors.Add(new ManifestError(_file, path, message));

    private BottleManifest? ReadRoot(JsonElement root, string filePath)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            Error("", $"the manifest must be a JSON object holding \"agents\" (and optionally \"bottles\"), not {JsonPaths.Describe(root.ValueKind)}");
            return null;
        }

        var bottles = ImmutableSortedDictionary.CreateBuilder<string, BottleSpec>(StringComparer.Ordinal);
        var agentElements = new List<(string Name, JsonElement Value, string Path)>();
        var sawAgents = false;
        foreach (var (key, value, path) in Properties(root, "", RootKeys))
        {
            switch (key)
            {
                case "$schema":
                    ExpectString(value, path);
                    break;
                case "bottles":
                    foreach (var (name, spec, specPath) in Properties(value, path, known: null))
                        if (CheckName(name, specPath) && ReadBottle(spec, specPath) is { } bottle)
                            bottles[name] = bottle;
                    break;
                case "agents":
                    sawAgents = true;
                    var before = _errors.Count;
                    foreach (var entry in Properties(value, path, known: null))
                        agentElements.Add(entry);
                    if (agentElements.Count == 0 && _errors.Count == before)
                        Error(path, "no agents are defined; add one, e.g. \"agents\": { \"solo\": {} }");
                    if (agentElements.Count > MaxAgents)
                    {
                        Error(path, $"defines {agentElements.Count} agents; one app host runs at most {MaxAgents} (each is two containers and two networks)");
                        agentElements.Clear();
                    }
                    break;
            }
        }
        if (!sawAgents)
            Error("", "the manifest defines no \"agents\"; add one, e.g. \"agents\": { \"solo\": {} }");

        // A manifest that never mentions the default bottle still has one: the empty bottle.
        if (!bottles.ContainsKey(BottleManifest.DefaultBottle) && !DefinesBottle(root, BottleManifest.DefaultBottle))
            bottles[BottleManifest.DefaultBottle] = BottleSpec.Empty;

        var agents = ImmutableSortedDictionary.CreateBuilder<string, AgentSpec>(StringComparer.Ordinal);
        var bottleNames = DefinedBottleNames(root);
        foreach (var (name, value, path) in agentElements)
            if (CheckName(name, path) && ReadAgent(value, path, bottleNames) is { } agent)
                agents[name] = agent;

        return new BottleManifest(filePath, _directory, bottles.ToImmutable(), agents.ToImmutable());
    }
}
