using System.Collections.Immutable;
using System.Text.Json;

namespace ClaudeBottle.Launcher.Manifest;

/// <summary>Reading a bottle: its keys, and which bottle names the manifest defines.</summary>
internal sealed partial class ManifestReader
{
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
        var scope = EgressScope.Default;
        (JsonElement Value, string Path)? credentials = null;
        foreach (var (key, value, childPath) in Properties(element, path, BottleKeys))
        {
            switch (key)
            {
                case "env": spec = spec with { Env = ReadEnv(value, childPath) }; break;
                case "ssh": spec = spec with { SshFiles = ReadSsh(value, childPath) }; break;
                case "egress": (spec, scope) = ReadEgress(value, childPath, spec); break;
                case "credentials": credentials = (value, childPath); break;
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
        // After the loop: a credential is checked against the egress settings, wherever they are written.
        if (credentials is { } c)
            spec = spec with { Credentials = ReadCredentials(c.Value, c.Path, scope) };
        if (element.TryGetProperty("image", out _) && element.TryGetProperty("build", out _))
            Error(path, "sets both \"image\" and \"build\"; use \"image\" for a ready image or \"build\" to build one, not both");
        return _errors.Count == before ? spec with { Image = image, Build = build } : null;
    }
}
