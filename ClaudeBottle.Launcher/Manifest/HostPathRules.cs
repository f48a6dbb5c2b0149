namespace ClaudeBottle.Launcher.Manifest;

/// <summary>
/// Which host paths a manifest may hand to a bottle, checked on the real path (every symbolic link followed) when the
/// manifest is loaded, and again just before each container is made, when the path must still lead to the very object
/// that was approved.
/// </summary>
internal static class HostPathRules
{
    /// <summary>Folders of the operating system and of the container engine: no bottle mounts them, anything in them, or anything holding them.</summary>
    public static readonly IReadOnlyList<string> SystemFolders =
    [
        "/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32", "/proc", "/run", "/sbin", "/sys", "/usr",
        "/var/backups", "/var/cache", "/var/lib", "/var/log", "/var/mail", "/var/run", "/var/spool",
    ];

    /// <summary>Temporary folders every user and service of the machine shares.</summary>
    private static readonly string[] SharedTemporary = ["/tmp", "/var/tmp"];

    /// <summary>
    /// Checks a path written in the manifest at <paramref name="jsonPath"/>: what it really leads to must exist, be of
    /// the kind <paramref name="use"/> needs, and be none of the refused places. A path written inside the manifest's
    /// directory must not lead out of it through a symbolic link: what a repository ships must not stand for a path of
    /// the host. Null, with the problem, when the path cannot be used.
    /// </summary>
    public static ManifestPath? Check(string file, string jsonPath, string written, string full, HostPathUse use,
        string manifestDirectory, string realManifestDirectory, out string? problem)
    {
        var what = use == HostPathUse.SshFile ? "a file" : "a directory";
        var found = HostFile.Inspect(full, out var why);
        var real = found?.RealPath ?? full;
        if (Refusal(real) is { } refusal)
        {
            var via = real == full ? "" : $"leads to {real}, which ";
            problem = $"'{written}' {via}{refusal}; no bottle may {(use == HostPathUse.BuildContext ? "build from" : "mount")} it: {Fix(use)}";
            return null;
        }
        if (use != HostPathUse.SshFile && CredentialFolder(real) is { } credentials)
        {
            problem = $"'{written}' {(real == full ? "is" : $"leads to {real}, which is")} in {credentials}, where credentials live; " +
                      $"a bottle may be handed a single key file of it (\"ssh\"), never the folder: {Fix(use)}";
            return null;
        }
        if (found is null)
        {
            problem = $"'{written}' is not {what} (looked for {full}: {why}); {Fix(use)}";
            return null;
        }
        if (KindProblem(found.Kind, use) is { } kind)
        {
            problem = $"'{written}' is not {what}: {real} is {kind}; {Fix(use)}";
            return null;
        }
        var outside = !HostPaths.IsWithin(real, realManifestDirectory);
        if (outside && HostPaths.IsWithin(full, manifestDirectory))
        {
            problem = $"'{written}' leads outside the manifest's directory through a symbolic link (to {real}); " +
                      (use == HostPathUse.Skill ? Fix(use) : $"if you mean {real}, write that path in the manifest");
            return null;
        }
        if (use == HostPathUse.Skill && SkillFolder.Problem(real, written) is { } skillProblem)
        {
            problem = skillProblem;
            return null;
        }
        problem = null;
        return new ManifestPath(file, jsonPath, written, full, found, outside, use);
    }

    /// <summary>
    /// Just before a container is made: the path must still lead to the object approved (same real path, kind, device
    /// and inode), and a skill must still hold only what a skill may. Null when it does, else what changed and what to do.
    /// </summary>
    public static string? Recheck(ManifestPath approved)
    {
        var where = $"{approved.File}: {approved.JsonPath}: '{approved.Written}'";
        const string fix = "put it back as it was, or restart claude-bottle to have the new plan shown and approved";
        var found = HostFile.Inspect(approved.Full, out var why);
        if (found is null)
            return $"{where} no longer leads to {approved.RealPath} as when the plan was approved ({why}); {fix}";
        if (found.RealPath != approved.RealPath)
            return $"{where} now leads to {found.RealPath}, not to {approved.RealPath} as when the plan was approved " +
                   $"(a symbolic link was put in its way); {fix}";
        if (found.Kind != approved.Approved.Kind || found.Device != approved.Approved.Device || found.Inode != approved.Approved.Inode)
            return $"{where}: {approved.RealPath} was replaced since the plan was approved; {fix}";
        if (approved.Use == HostPathUse.Skill && SkillFolder.Problem(found.RealPath, approved.Written) is { } skillProblem)
            return $"{approved.File}: {approved.JsonPath}: {skillProblem}";
        return null;
    }

    /// <summary>Why a real path may not be mounted at all, or null.</summary>
    public static string? Refusal(string real)
    {
        if (real == "/")
            return "is the root of the host's file system";
        if (Home() is { } home)
        {
            if (real == home)
                return "is your home directory itself";
            if (HostPaths.IsWithin(home, real))
                return $"holds your home directory ({home})";
        }
        foreach (var folder in SystemFolders)
        {
            if (HostPaths.IsWithin(real, folder))
                return $"is in the system folder {folder}";
            if (HostPaths.IsWithin(folder, real))
                return $"holds the system folder {folder}";
        }
        if (SharedTemporary.Contains(real))
            return "is the machine's shared temporary folder";
        foreach (var socket in EngineSockets())
        {
            if (real == socket)
                return "is the container engine's socket";
            if (HostPaths.IsWithin(socket, real))
                return $"holds the container engine's socket ({socket})";
        }
        return null;
    }

    /// <summary>Folders of the home directory that hold credentials, which no bottle gets read-write or whole.</summary>
    private static readonly string[] CredentialFolders = [".ssh", ".gnupg", ".aws", ".azure", ".docker", ".kube", ".config/gcloud", ".config/gh"];

    private static string? CredentialFolder(string real) =>
        Home() is { } home ? CredentialFolders.Select(f => Path.Join(home, f)).FirstOrDefault(f => HostPaths.IsWithin(real, f)) : null;

    private static string? KindProblem(HostFileKind kind, HostPathUse use) =>
        (use, kind) switch
        {
            (HostPathUse.SshFile, HostFileKind.RegularFile) => null,
            (HostPathUse.Workspace or HostPathUse.Skill or HostPathUse.BuildContext, HostFileKind.Directory) => null,
            _ => Describe(kind),
        };

    public static string Describe(HostFileKind kind) => kind switch
    {
        HostFileKind.RegularFile => "a file",
        HostFileKind.Directory => "a directory",
        HostFileKind.SymbolicLink => "a symbolic link",
        HostFileKind.NamedPipe => "a named pipe (FIFO)",
        HostFileKind.Socket => "a socket",
        HostFileKind.CharacterDevice or HostFileKind.BlockDevice => "a device",
        _ => "a special file",
    };

    private static string Fix(HostPathUse use) => use switch
    {
        HostPathUse.Workspace => "name a project directory of your own, e.g. \"./repos/app\" or \"~/code/app\"",
        HostPathUse.SshFile => "ssh entries are single key files, mounted read-only into ~/.ssh, e.g. \"~/.ssh/deploy_key\"",
        HostPathUse.BuildContext => "a build context is a directory of your project holding the image's files, e.g. \"./images/python\"",
        _ => "a skill is a directory inside the manifest's directory holding SKILL.md",
    };

    private static string? Home()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return home.Length == 0 ? null : HostFile.Resolve(home, out _) ?? home;
    }

    /// <summary>Where container engines listen, as far as this machine says: DOCKER_HOST, then the usual places.</summary>
    private static IEnumerable<string> EngineSockets()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        string?[] candidates =
        [
            Environment.GetEnvironmentVariable("DOCKER_HOST") is { } host && host.StartsWith("unix://", StringComparison.Ordinal) ? host["unix://".Length..] : null,
            "/var/run/docker.sock", "/run/docker.sock", "/run/podman/podman.sock", "/run/containerd/containerd.sock",
            string.IsNullOrEmpty(runtime) ? null : Path.Join(runtime, "docker.sock"),
            string.IsNullOrEmpty(runtime) ? null : Path.Join(runtime, "podman", "podman.sock"),
            home.Length == 0 ? null : Path.Join(home, ".docker", "run", "docker.sock"),
            home.Length == 0 ? null : Path.Join(home, ".docker", "desktop", "docker.sock"),
        ];
        foreach (var candidate in candidates.OfType<string>())
            if (HostFile.Resolve(candidate, out _) is { } real)
                yield return real;
    }
}
