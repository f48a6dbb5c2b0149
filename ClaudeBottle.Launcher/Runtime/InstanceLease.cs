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

    /// <summary>True while the run <paramref name="id"/> still holds its lock.</summary>
    public static bool IsAlive(string root, string id)
    {
        var path = LockPath(root, id);
        if (!File.Exists(path))
            return false;
        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return true; // Not ours to judge.
        }
    }

    /// <summary>Removes the state a dead run left (its directory and lock file).</summary>
    public static void RemoveState(string root, string id)
    {
        var directory = Path.Join(root, id);
        if (System.IO.Directory.Exists(directory))
            System.IO.Directory.Delete(directory, recursive: true);
        File.Delete(LockPath(root, id));
    }

    public void Dispose()
    {
        if (System.IO.Directory.Exists(Directory))
            System.IO.Directory.Delete(Directory, recursive: true);
        _lock.Dispose();
        File.Delete(LockPath(Root, Id));
    }

    private static string LockPath(string root, string id) => Path.Join(root, id + ".lock");
}
