using System.Text.Json;

namespace ClaudeBottle.Launcher.Manifest;

/// <summary>
/// Reading an agent's workspace: a host folder, written as a path or as <c>{ "path", "mode", "ref" }</c>. A git
/// repository is cloned by default, a plain folder mounted (docs/manifest.md says why).
/// </summary>
internal sealed partial class ManifestReader
{
    private static readonly string[] WorkspaceKeys = ["path", "mode", "ref"];

    private AgentSpec ReadWorkspace(JsonElement value, string path, AgentSpec agent)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            if (value.ValueKind != JsonValueKind.String)
            {
                Error(path, $"must be a string (a host folder) or an object {{ \"path\", \"mode\", \"ref\" }}, not {JsonPaths.Describe(value.ValueKind)}");
                return agent;
            }
            return ExpectPath(value, path) is { } plain ? WithWorkspace(agent, plain, path, null, null, path, path) : agent;
        }

        string? written = null, mode = null, gitRef = null;
        var (pathPath, modePath, refPath) = (JsonPaths.Child(path, "path"), path, path);
        var before = _errors.Count;
        foreach (var (key, child, childPath) in Properties(value, path, WorkspaceKeys))
        {
            switch (key)
            {
                case "path": written = ExpectPath(child, childPath); break;
                case "mode":
                    modePath = childPath;
                    if (ExpectString(child, childPath) is not { } text)
                        break;
                    if (CloneSpec.Modes.Contains(text))
                        mode = text;
                    else
                        Error(childPath, $"'{NameRules.Printable(text)}' is not a workspace mode{DidYouMean(text, CloneSpec.Modes)}; expected \"clone\" " +
                                         "(the agent works in a private clone of the repository) or \"mount\" (the folder is mounted read-write)");
                    break;
                case "ref":
                    refPath = childPath;
                    if (ExpectString(child, childPath) is { } name)
                    {
                        if (RefProblem(name) is { } problem)
                            Error(childPath, $"'{NameRules.Printable(name)}' {problem}; name a branch or tag of the repository, e.g. \"main\" or \"v1.2\"");
                        else
                            gitRef = name;
                    }
                    break;
            }
        }
        if (written is null)
        {
            if (_errors.Count == before)
                Error(path, "names no \"path\"; give the host folder, e.g. { \"path\": \"./repos/app\", \"mode\": \"clone\" }");
            return agent;
        }
        return _errors.Count == before ? WithWorkspace(agent, written, pathPath, mode, gitRef, modePath, refPath) : agent;
    }

    private AgentSpec WithWorkspace(AgentSpec agent, string written, string pathPath, string? mode, string? gitRef, string modePath, string refPath)
    {
        if (HostPath(written, pathPath, HostPathUse.Workspace) is not { } workspace)
            return agent;
        var repository = IsRepository(workspace.RealPath);
        if (mode == "clone" && !repository)
            Error(modePath, $"is \"clone\", but {NameRules.Printable(workspace.RealPath)} is not a git repository (it holds no .git); " +
                            "name the repository's top folder, or use \"mode\": \"mount\" to mount a plain folder");
        else if (gitRef is not null && (mode == "mount" || !repository))
            Error(refPath, mode == "mount"
                ? "applies to clone mode only, and this workspace is mounted (\"mode\": \"mount\"); remove \"ref\", or use \"mode\": \"clone\""
                : $"applies to clone mode only, and {NameRules.Printable(workspace.RealPath)} is not a git repository (it holds no .git); remove \"ref\"");
        var clone = mode == "clone" || (mode is null && repository);
        return agent with { Workspace = workspace, CloneMode = clone ? new CloneSpec(gitRef, refPath) : null };
    }

    /// <summary>The top folder of a repository or of a linked worktree (whose .git is a file naming its git folder).</summary>
    private static bool IsRepository(string directory)
    {
        var dotGit = Path.Join(directory, ".git");
        return Directory.Exists(dotGit) || File.Exists(dotGit);
    }

    /// <summary>
    /// What makes <paramref name="name"/> unusable as a branch or tag name (git-check-ref-format's rules, and no leading
    /// '-', which a git command would read as an option); null when it is usable.
    /// </summary>
    private static string? RefProblem(string name) =>
        name.Length == 0 ? "is empty"
        : name.Length > 200 ? "is longer than 200 characters"
        : name.StartsWith('-') ? "begins with '-'"
        : name.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || "~^:?*[\\".Contains(c)) ? "holds a space, a control character or one of ~ ^ : ? * [ \\"
        : name.Contains("..", StringComparison.Ordinal) || name.Contains("@{", StringComparison.Ordinal) || name.Contains("//", StringComparison.Ordinal) ? "holds '..', '@{' or '//'"
        : name.StartsWith('/') || name.EndsWith('/') || name.EndsWith('.') || name.EndsWith(".lock", StringComparison.Ordinal) || name == "@" ? "is not a valid ref name"
        : null;
}
