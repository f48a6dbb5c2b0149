using System.Collections.Immutable;
using System.Text.Json;

namespace ClaudeBottle.Launcher.Manifest;

/// <summary>
/// Walks a parsed manifest, checking every value and collecting every problem with its JSON path, so that the user
/// sees all of them at once. Relative paths in the manifest are taken from the manifest's own directory.
/// </summary>
internal sealed class ManifestReader
{
    private static readonly string[] RootKeys = ["$schema", "bottles", "agents"];
    private static readonly string[] BottleKeys = ["env", "ssh", "egress", "resources", "image", "build"];
    private static readonly string[] EgressKeys = ["allowlist"];
    private static readonly string[] ResourceKeys = ["cpus", "memory", "pids"];
    private static readonly string[] BuildKeys = ["context", "dockerfile"];
    private static readonly string[] AgentKeys = ["bottle", "skills", "env", "prompt", "workspace", "permissionMode"];

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
        _realDirectory = HostPaths.Real(directory);
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

    // Bottle names as written, valid or not, so that an agent naming a broken bottle is not also told it is unknown.
    private static HashSet<string> DefinedBottleNames(JsonElement root)
    {
        var names = new HashSet<string>(StringComparer.Ordinal) { BottleManifest.DefaultBottle };
        if (root.TryGetProperty("bottles", out var b) && b.ValueKind == JsonValueKind.Object)
            foreach (var p in b.EnumerateObject())
                names.Add(p.Name);
        return names;
    }

    private static bool DefinesBottle(JsonElement root, string name) =>
        root.TryGetProperty("bottles", out var b) && b.ValueKind == JsonValueKind.Object && b.TryGetProperty(name, out _);

    private BottleSpec? ReadBottle(JsonElement element, string path)
    {
        if (!ExpectKind(element, path, JsonValueKind.Object))
            return null;
        var before = _errors.Count;
        var spec = BottleSpec.Empty;
        string? image = null;
        BuildSpec? build = null;
        foreach (var (key, value, childPath) in Properties(element, path, BottleKeys))
        {
            switch (key)
            {
                case "env": spec = spec with { Env = ReadEnv(value, childPath) }; break;
                case "ssh": spec = spec with { SshFiles = ReadSsh(value, childPath) }; break;
                case "egress": spec = spec with { Allowlist = ReadEgress(value, childPath) }; break;
                case "resources": spec = spec with { Resources = ReadResources(value, childPath) }; break;
                case "image":
                    if (ExpectString(value, childPath) is { } reference)
                    {
                        if (NameRules.CheckImageReference(reference) is { } problem) Error(childPath, problem);
                        else image = reference;
                    }
                    break;
                case "build": build = ReadBuild(value, childPath); break;
            }
        }
        if (element.TryGetProperty("image", out _) && element.TryGetProperty("build", out _))
            Error(path, "sets both \"image\" and \"build\"; use \"image\" for a ready image or \"build\" to build one, not both");
        return _errors.Count == before ? spec with { Image = image, Build = build } : null;
    }

    private AgentSpec? ReadAgent(JsonElement element, string path, HashSet<string> bottleNames)
    {
        if (!ExpectKind(element, path, JsonValueKind.Object))
            return null;
        var before = _errors.Count;
        var agent = new AgentSpec(BottleManifest.DefaultBottle, [],
            ImmutableSortedDictionary.Create<string, EnvValue>(StringComparer.Ordinal), null, null);
        foreach (var (key, value, childPath) in Properties(element, path, AgentKeys))
        {
            switch (key)
            {
                case "bottle":
                    if (ExpectString(value, childPath) is { } bottle)
                    {
                        if (!bottleNames.Contains(bottle))
                            Error(childPath, $"names bottle '{bottle}', which is not defined{DidYouMean(bottle, bottleNames)}; " +
                                             $"defined bottles: {string.Join(", ", bottleNames.Order(StringComparer.Ordinal))}");
                        agent = agent with { Bottle = bottle };
                    }
                    break;
                case "skills": agent = agent with { Skills = ReadSkills(value, childPath) }; break;
                case "env": agent = agent with { Env = ReadEnv(value, childPath) }; break;
                case "prompt":
                    if (ExpectString(value, childPath) is { } prompt)
                    {
                        if (string.IsNullOrWhiteSpace(prompt))
                            Error(childPath, "is empty; give the agent a task, or leave \"prompt\" out to run Claude interactively");
                        else if (prompt.Contains('\0'))
                            Error(childPath, "contains a NUL character, which cannot be passed to a process");
                        agent = agent with { Prompt = prompt };
                    }
                    break;
                case "permissionMode":
                    if (ExpectString(value, childPath) is { } mode)
                    {
                        if (AgentSpec.PermissionModes.Contains(mode))
                            agent = agent with { PermissionMode = mode };
                        else
                            Error(childPath, $"'{NameRules.Printable(mode)}' is not a permission mode{DidYouMean(mode, AgentSpec.PermissionModes)}; " +
                                             $"expected one of: {string.Join(", ", AgentSpec.PermissionModes)}");
                    }
                    break;
                case "workspace":
                    if (ExpectPath(value, childPath) is { } written)
                    {
                        var full = HostPaths.Absolute(written, _directory);
                        if (!Directory.Exists(full))
                            Error(childPath, $"'{written}' is not a directory (looked for {full}); create it or fix the path");
                        agent = agent with { Workspace = full };
                    }
                    break;
            }
        }
        return _errors.Count == before ? agent : null;
    }

    private ImmutableSortedDictionary<string, EnvValue> ReadEnv(JsonElement element, string path)
    {
        var env = ImmutableSortedDictionary.CreateBuilder<string, EnvValue>(StringComparer.Ordinal);
        foreach (var (name, value, childPath) in Properties(element, path, known: null))
        {
            if (NameRules.CheckEnvName(name) is { } problem)
            {
                Error(childPath, problem);
                continue;
            }
            if (value.ValueKind != JsonValueKind.String)
            {
                var hint = value.ValueKind is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False
                    ? $"; quote it: \"{value.GetRawText()}\"" : "";
                Error(childPath, $"must be a string, not {JsonPaths.Describe(value.ValueKind)}{hint}");
                continue;
            }
            var text = value.GetString()!;
            if (NameRules.ReferencedVariable(text) is { } variable)
                env[name] = EnvValue.FromVariable(variable);
            else if (text.Contains("${", StringComparison.Ordinal))
                Error(childPath, "a ${NAME} reference must be the whole value, e.g. \"${GITHUB_TOKEN}\", with NAME a valid variable name");
            else if (text.Contains('\0'))
                Error(childPath, "contains a NUL character, which an environment variable cannot hold");
            else
                env[name] = EnvValue.FromLiteral(text);
        }
        return env.ToImmutable();
    }

    private ImmutableArray<string> ReadSsh(JsonElement element, string path)
    {
        var files = ImmutableArray.CreateBuilder<string>();
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (value, itemPath) in Items(element, path))
        {
            if (ExpectPath(value, itemPath) is not { } written)
                continue;
            var full = HostPaths.Absolute(written, _directory);
            if (!File.Exists(full))
            {
                Error(itemPath, $"'{written}' is not a file (looked for {full}); ssh entries are host files mounted read-only into ~/.ssh");
                continue;
            }
            var name = Path.GetFileName(full);
            if (names.TryGetValue(name, out var other))
                Error(itemPath, $"'{written}' and '{other}' would both be mounted as ~/.ssh/{name}; rename one");
            names[name] = written;
            files.Add(full);
        }
        return files.ToImmutable();
    }

    private ImmutableArray<string> ReadEgress(JsonElement element, string path)
    {
        var hosts = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (key, value, childPath) in Properties(element, path, EgressKeys))
        {
            if (key != "allowlist")
                continue;
            foreach (var (item, itemPath) in Items(value, childPath))
            {
                if (ExpectString(item, itemPath) is not { } entry)
                    continue;
                if (HostnameRules.Check(entry) is { } problem) Error(itemPath, problem);
                else hosts.Add(entry.ToLowerInvariant());
            }
        }
        return [.. hosts];
    }

    private ResourceSpec ReadResources(JsonElement element, string path)
    {
        double? cpus = null;
        long? memory = null, pids = null;
        foreach (var (key, value, childPath) in Properties(element, path, ResourceKeys))
        {
            switch (key)
            {
                case "cpus":
                    if (value.ValueKind == JsonValueKind.Number && value.GetDouble() is var c && c > 0 && c <= MaxCpus)
                        cpus = c;
                    else
                        Error(childPath, $"must be a number of CPUs greater than 0 and at most {MaxCpus} (e.g. 2 or 0.5), not {Shown(value)}");
                    break;
                case "memory":
                    if (value.ValueKind == JsonValueKind.String && MemorySize.TryParse(value.GetString()!, out var bytes) && bytes >= MemorySize.Minimum)
                        memory = bytes;
                    else if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var raw) && raw >= MemorySize.Minimum)
                        memory = raw;
                    else
                        Error(childPath, $"must be a size of at least 6m, written like \"4g\", \"512m\" or a number of bytes, not {Shown(value)}");
                    break;
                case "pids":
                    if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var p) && p >= 1 && p <= MaxPids)
                        pids = p;
                    else
                        Error(childPath, $"must be a whole number of processes from 1 to {MaxPids} (e.g. 512), not {Shown(value)}");
                    break;
            }
        }
        return new ResourceSpec(cpus, memory, pids);
    }

    private BuildSpec? ReadBuild(JsonElement element, string path)
    {
        if (!ExpectKind(element, path, JsonValueKind.Object))
            return null;
        string? context = null;
        var dockerfile = "Dockerfile";
        var dockerfilePath = JsonPaths.Child(path, "dockerfile");
        foreach (var (key, value, childPath) in Properties(element, path, BuildKeys))
        {
            if (ExpectPath(value, childPath) is not { } written)
                continue;
            if (key == "context")
            {
                var full = HostPaths.Absolute(written, _directory);
                if (Directory.Exists(full)) context = full;
                else Error(childPath, $"'{written}' is not a directory (looked for {full}); the build context must exist");
            }
            else
            {
                dockerfile = written;
            }
        }
        if (!element.TryGetProperty("context", out _))
        {
            Error(path, "has no \"context\"; give the directory to build in, e.g. \"context\": \"./images/python\"");
            return null;
        }
        if (context is null)
            return null;
        if (Path.IsPathRooted(dockerfile))
        {
            Error(dockerfilePath, $"'{dockerfile}' must be relative to the build context");
            return null;
        }
        var file = Path.GetFullPath(dockerfile, context);
        if (!HostPaths.IsWithin(HostPaths.Real(file), HostPaths.Real(context)))
            Error(dockerfilePath, $"'{dockerfile}' lies outside the build context {context}; the engine only sees files inside it");
        else if (!File.Exists(file))
            Error(dockerfilePath, $"'{dockerfile}' does not exist in the build context (looked for {file})");
        else
            return new BuildSpec(context, file);
        return null;
    }

    private ImmutableArray<SkillSpec> ReadSkills(JsonElement element, string path)
    {
        var skills = ImmutableArray.CreateBuilder<SkillSpec>();
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (value, itemPath) in Items(element, path))
        {
            if (ExpectPath(value, itemPath) is not { } written)
                continue;
            if (Path.IsPathRooted(written) || written.StartsWith('~'))
            {
                Error(itemPath, $"'{written}' is not relative; skills are directories inside the manifest's directory ({_directory}), e.g. \"skills/code-review\"");
                continue;
            }
            if (written.Split('/', '\\').Contains(".."))
            {
                Error(itemPath, $"'{written}' uses '..'; skills are directories inside the manifest's directory ({_directory}), named without '..'");
                continue;
            }
            var full = Path.GetFullPath(written, _directory);
            var real = HostPaths.Real(full);
            if (!HostPaths.IsWithin(real, _realDirectory) || real == _realDirectory)
            {
                var via = HostPaths.IsWithin(full, _directory) ? " through a symbolic link" : "";
                Error(itemPath, $"'{written}' leads outside the manifest's directory{via} (to {real}); a skill must be a directory inside {_directory}");
                continue;
            }
            if (!Directory.Exists(real))
            {
                Error(itemPath, $"'{written}' is not a directory (looked for {full}); a skill is a directory holding SKILL.md");
                continue;
            }
            var skillFile = Path.Join(real, "SKILL.md");
            if (!File.Exists(skillFile))
            {
                Error(itemPath, $"'{written}' has no SKILL.md; a skill is a directory holding SKILL.md");
                continue;
            }
            if (!HostPaths.IsWithin(HostPaths.Real(skillFile), _realDirectory))
            {
                Error(itemPath, $"'{written}/SKILL.md' is a symbolic link leading outside the manifest's directory");
                continue;
            }
            var name = Path.GetFileName(real);
            if (names.TryGetValue(name, out var other))
            {
                Error(itemPath, $"'{written}' and '{other}' are both named '{name}' and would land in the same ~/.claude/skills/{name}; rename one");
                continue;
            }
            names[name] = written;
            skills.Add(new SkillSpec(name, real));
        }
        return skills.ToImmutable();
    }

    private bool CheckName(string name, string path)
    {
        if (NameRules.CheckResourceName(name) is not { } problem)
            return true;
        Error(path, problem);
        return false;
    }

    private static string DidYouMean(string typed, IEnumerable<string> candidates) =>
        Suggestions.Closest(typed, candidates) is { } s ? $" (did you mean '{s}'?)" : "";

    /// <summary>
    /// The properties of an object, reporting (and skipping) duplicates and, when <paramref name="known"/> is given,
    /// unknown keys.
    /// </summary>
    private IEnumerable<(string Key, JsonElement Value, string Path)> Properties(
        JsonElement element, string path, IReadOnlyCollection<string>? known)
    {
        if (!ExpectKind(element, path, JsonValueKind.Object))
            yield break;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            var childPath = JsonPaths.Child(path, property.Name);
            if (!seen.Add(property.Name))
            {
                Error(childPath, $"'{NameRules.Printable(property.Name)}' appears more than once; keep one");
                continue;
            }
            if (known is not null && !known.Contains(property.Name))
            {
                var suggestion = Suggestions.Closest(property.Name, known);
                Error(childPath, suggestion is not null
                    ? $"unknown key '{NameRules.Printable(property.Name)}'; did you mean '{suggestion}'?"
                    : $"unknown key '{NameRules.Printable(property.Name)}'; expected one of: {string.Join(", ", known)}");
                continue;
            }
            yield return (property.Name, property.Value, childPath);
        }
    }

    private IEnumerable<(JsonElement Value, string Path)> Items(JsonElement element, string path)
    {
        if (!ExpectKind(element, path, JsonValueKind.Array))
            yield break;
        var i = 0;
        foreach (var item in element.EnumerateArray())
            yield return (item, JsonPaths.Index(path, i++));
    }

    private bool ExpectKind(JsonElement element, string path, JsonValueKind kind)
    {
        if (element.ValueKind == kind)
            return true;
        Error(path, $"must be {JsonPaths.Describe(kind)}, not {JsonPaths.Describe(element.ValueKind)}");
        return false;
    }

    private string? ExpectString(JsonElement element, string path) =>
        ExpectKind(element, path, JsonValueKind.String) ? element.GetString() : null;

    private string? ExpectPath(JsonElement element, string path)
    {
        if (ExpectString(element, path) is not { } text)
            return null;
        if (string.IsNullOrWhiteSpace(text))
        {
            Error(path, "is empty; give a path");
            return null;
        }
        if (text.Contains('\0'))
        {
            Error(path, "contains a NUL character");
            return null;
        }
        return text;
    }

    private static string Shown(JsonElement value) =>
        value.ValueKind is JsonValueKind.Object or JsonValueKind.Array ? JsonPaths.Describe(value.ValueKind) : value.GetRawText();
}
