namespace ClaudeBottle.Launcher.Runtime;

/// <summary>
/// One app host run: its id (on every object it creates), a state directory for generated files, and a lock held
/// for as long as the process lives. The kernel drops the lock when the process dies, however it dies, which is how
/// a later run tells a dead app host's leftovers from a live one's objects.
/// </summary>
public sealed class InstanceLease : IDisposable
{
    private readonly FileStream _lock;

    private InstanceLease(string root, string id, FileStream @lock)
    {
        Root = root;
        Id = id;
        _lock = @lock;
        Directory = Path.Join(root, id);
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Id { get; }

    /// <summary>Where this run writes generated files (pipelock configs); removed when the run ends.</summary>
    public string Directory { get; }

    public string Root { get; }

    /// <summary>The lock held while this run lives; its path is labelled on every object the run creates.</summary>
    public string LockFile => LockPath(Root, Id);

    /// <summary><c>$TMPDIR/claude-bottle-$USER</c>: per user, so users of one machine never share it.</summary>
    public static string DefaultRoot =>
        Path.Join(Path.GetTempPath(), $"claude-bottle-{Environment.UserName}");

    public static InstanceLease Acquire(string? root = null)
    {
        root ??= DefaultRoot;
        var info = System.IO.Directory.CreateDirectory(root);
        // The pipelock container reads its config as an unprivileged user: the path must be traversable.
        if (!OperatingSystem.IsWindows())
            info.UnixFileMode |= UnixFileMode.OtherExecute | UnixFileMode.GroupExecute;
        var id = Guid.NewGuid().ToString("N")[..12];
        var @lock = new FileStream(LockPath(root, id), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
        return new InstanceLease(root, id, @lock);
    }

    /// <summary>True while some process still holds the lock at <paramref name="lockFile"/>.</summary>
    public static bool IsAlive(string lockFile)
    {
        if (!File.Exists(lockFile))
            return false;
        try
        {
            using var probe = new FileStream(lockFile, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return true; // Another user's run: not ours to judge.
        }
    }

    /// <summary>Removes the state a dead run left beside its lock file (its directory and the lock file).</summary>
    public static void RemoveState(string lockFile)
    {
        if (!lockFile.EndsWith(".lock", StringComparison.Ordinal))
            return;
        var directory = lockFile[..^".lock".Length];
        if (System.IO.Directory.Exists(directory))
            System.IO.Directory.Delete(directory, recursive: true);
        File.Delete(lockFile);
    }

    /// <summary>Drops the lock and leaves everything else, as a killed process would; for tests of the reaper.</summary>
    internal void Abandon() => _lock.Dispose();

    public void Dispose()
    {
        if (System.IO.Directory.Exists(Directory))
            System.IO.Directory.Delete(Directory, recursive: true);
        _lock.Dispose();
        File.Delete(LockPath(Root, Id));
    }

    private static string LockPath(string root, string id) => Path.Join(root, id + ".lock");
}
