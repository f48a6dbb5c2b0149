using System.Collections.Immutable;
using System.Text.Json;

namespace ClaudeBottle.Launcher.Manifest;

/// <summary>Reading a bottle's settings: env, ssh files, resources, build.</summary>
internal sealed partial class ManifestReader
{
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

    private ImmutableArray<ManifestPath> ReadSsh(JsonElement element, string path)
    {
        var files = ImmutableArray.CreateBuilder<ManifestPath>();
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (value, itemPath) in Items(element, path))
        {
            if (ExpectPath(value, itemPath) is not { } written || HostPath(written, itemPath, HostPathUse.SshFile) is not { } file)
                continue;
            // Named after what is written: that is the name the user chose, whatever the file's real name.
            var name = Path.GetFileName(file.Full);
            if (!CheckMountName(name, itemPath, "the file name"))
                continue;
            if (names.TryGetValue(name, out var other))
                Error(itemPath, $"'{written}' and '{other}' would both be mounted as ~/.ssh/{name}; rename one");
            names[name] = written;
            files.Add(file);
        }
        return files.ToImmutable();
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
        ManifestPath? origin = null;
        string? context = null;
        var dockerfile = "Dockerfile";
        var dockerfilePath = JsonPaths.Child(path, "dockerfile");
        foreach (var (key, value, childPath) in Properties(element, path, BuildKeys))
        {
            if (ExpectPath(value, childPath) is not { } written)
                continue;
            if (key == "context")
            {
                // The real path, under the rules of every host path: what the plan shows and what is read after approval.
                origin = HostPath(written, childPath, HostPathUse.BuildContext);
                context = origin?.RealPath;
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
        // As the docker CLI does: a Dockerfile that is a link is read where it leads, which must be inside the context.
        var full = Path.GetFullPath(dockerfile, context);
        var found = HostFile.Inspect(full, out var why);
        var file = found?.RealPath ?? full;
        if (!HostPaths.IsWithin(file, context))
            Error(dockerfilePath, $"'{dockerfile}' lies outside the build context {context} (it is {file}); the engine only sees files inside it");
        else if (found is null)
            Error(dockerfilePath, $"'{dockerfile}' does not exist in the build context (looked for {full}: {why})");
        else if (found.Kind != HostFileKind.RegularFile)
            Error(dockerfilePath, $"'{dockerfile}' is not a regular file ({file} is {HostPathRules.Describe(found.Kind)}); name the Dockerfile to build");
        else
            return new BuildSpec(context, file, origin);
        return null;
    }
}
