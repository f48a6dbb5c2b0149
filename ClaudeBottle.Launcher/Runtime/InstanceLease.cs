using System.Text.RegularExpressions;

namespace ClaudeBottle.Launcher.Runtime;

/// <summary>
/// One app host run: its id (on every object it creates), a directory for generated files, and a lock held for as
/// long as the process lives, all in this user's private <see cref="StateFolder"/>. The kernel drops the lock when
/// the process dies, however it dies, which is how a later run tells a dead run's leftovers from a live one's
/// objects; that the lock file is in this folder is what proves the run was this user's.
/// </summary>
public sealed partial class InstanceLease : IDisposable
{
    private readonly FileStream _lock;

    private InstanceLease(string root, string id, FileStream @lock)
    {
        Root = root;
        Id = id;
        _lock = @lock;
        Directory = DirectoryOf(id);
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Id { get; }

    /// <summary>Where this run writes generated files (pipelock configs); removed when the run ends.</summary>
    public string Directory { get; }

    /// <summary>The state folder: every path this run or its reaper touches is derived from it, never from a label.</summary>
    public string Root { get; }

    /// <summary>The lock held while this run lives; its path is labelled on every object the run creates.</summary>
    public string LockFile => LockFileOf(Id);

    /// <summary>Takes a lease in <paramref name="root"/> (the default state folder when null), which is made or checked first.</summary>
    /// <exception cref="StateFolderException">The folder cannot be trusted.</exception>
    public static InstanceLease Acquire(string? root = null)
    {
        root = StateFolder.Prepare(root, Environment.GetEnvironmentVariable);
        var id = Guid.NewGuid().ToString("N")[..12];
        var @lock = new FileStream(Path.Join(root, id + LockSuffix), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
        return new InstanceLease(root, id, @lock);
    }

    /// <summary>Whether <paramref name="id"/> has the form this class gives run ids: nothing else names a path here.</summary>
    public static bool IsRunId(string id) => RunId().IsMatch(id);

    /// <summary>Where the lock of run <paramref name="id"/> of this state folder is.</summary>
    public string LockFileOf(string id) => Path.Join(Root, Checked(id) + LockSuffix);

    /// <summary>True when run <paramref name="id"/> took its lease in this state folder: only this user can have put it there.</summary>
    public bool Recorded(string id) => IsRunId(id) && new FileInfo(LockFileOf(id)) is { Exists: true, LinkTarget: null };

    /// <summary>True while some process still holds the lock of run <paramref name="id"/>.</summary>
    public bool IsAlive(string id)
    {
        try
        {
            using var probe = new FileStream(LockFileOf(id), FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return false;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return true;
        }
    }

    /// <summary>Removes the state a dead run of this folder left (its directory and its lock file).</summary>
    public void RemoveStateOf(string id)
    {
        var directory = DirectoryOf(id);
        if (System.IO.Directory.Exists(directory))
            System.IO.Directory.Delete(directory, recursive: true);
        File.Delete(LockFileOf(id));
    }

    /// <summary>Drops the lock and leaves everything else, as a killed process would; for tests of the reaper.</summary>
    internal void Abandon() => _lock.Dispose();

    public void Dispose()
    {
        if (System.IO.Directory.Exists(Directory))
            System.IO.Directory.Delete(Directory, recursive: true);
        _lock.Dispose();
        File.Delete(LockFile);
    }

    private const string LockSuffix = ".lock";

    private string DirectoryOf(string id) => Path.Join(Root, Checked(id));

    private static string Checked(string id) =>
        IsRunId(id) ? id : throw new ArgumentException($"'{id}' is not a run id (twelve lower-case hex digits)", nameof(id));

    [GeneratedRegex(@"\A[0-9a-f]{12}\z")]
    private static partial Regex RunId();
}
