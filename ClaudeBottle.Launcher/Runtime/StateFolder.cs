using Mono.Unix.Native;

namespace ClaudeBottle.Launcher.Runtime;

/// <summary>
/// The folder where one user's app host runs keep their locks and generated files. The reaper believes only what it
/// finds here, so no one else may write in it: it is made 0700, and one that exists must be a directory (not a
/// symlink) owned by this user and writable by no one else, under parents that no other user can replace. Anything
/// else is refused, not repaired. It persists (<c>$XDG_STATE_HOME</c>, else <c>~/.local/state</c>) so that the
/// leftovers of a run killed before a reboot can still be proven this user's.
/// </summary>
public static class StateFolder
{
    public const string SettingKey = "ClaudeBottle:StateRoot";

    private const FilePermissions OwnerOnly = FilePermissions.S_IRWXU;

    /// <summary><c>$XDG_STATE_HOME/claude-bottle</c>, else <c>~/.local/state/claude-bottle</c>.</summary>
    public static string DefaultPath(Func<string, string?> environment)
    {
        if (OperatingSystem.IsWindows())
            return Path.Join(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "claude-bottle");
        if (environment("XDG_STATE_HOME") is { Length: > 0 } state && Path.IsPathRooted(state))
            return Path.Join(state, "claude-bottle");
        if (environment("HOME") is { Length: > 0 } home && Path.IsPathRooted(home))
            return Path.Join(home, ".local", "state", "claude-bottle");
        throw new StateFolderException($"There is no home directory (HOME is not set) to keep the app host's state in; set {SettingKey} to a folder of your own.");
    }

    /// <summary>Makes the folder (the default one when <paramref name="configured"/> is empty) if missing, checks it, and returns its full path.</summary>
    public static string Prepare(string? configured, Func<string, string?> environment)
    {
        var path = Path.TrimEndingDirectorySeparator(Path.GetFullPath(configured is { Length: > 0 } ? configured : DefaultPath(environment)));
        var parent = Path.GetDirectoryName(path) ?? throw Refused(path, "it is the root of the filesystem", "choose a folder of your own");
        try
        {
            Directory.CreateDirectory(parent);
            if (OperatingSystem.IsWindows())
                return Directory.CreateDirectory(path).FullName;
            CheckParents(path, parent);
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Refused(path, $"it cannot be made ({e.Message})", "choose a folder you can write");
        }
        Check(path);
        return path;
    }

    private static void Check(string path)
    {
        if (Syscall.lstat(path, out var stat) != 0)
            throw Refused(path, $"it cannot be read ({Stdlib.GetLastError()})", "choose a folder you can write");
        var type = stat.st_mode & FilePermissions.S_IFMT;
        if (type == FilePermissions.S_IFLNK)
            throw Refused(path, "it is a symbolic link, which whoever made it can point anywhere", "remove the link, or choose another folder");
        if (type != FilePermissions.S_IFDIR)
            throw Refused(path, "it is not a directory", "remove it, or choose another folder");
        if (stat.st_uid != Syscall.geteuid())
            throw Refused(path, $"it belongs to user id {stat.st_uid}, not to you (user id {Syscall.geteuid()}), so its owner decides what the reaper removes",
                "remove it, or choose a folder of your own");
        if ((stat.st_mode & (FilePermissions.S_IWGRP | FilePermissions.S_IWOTH)) != 0)
            throw Refused(path, "others can write in it", "check what it holds and run 'chmod 700' on it, or choose another folder");
        // Readable by others is not dangerous, only needless: the folder is this user's, so it is made private.
        if ((stat.st_mode & FilePermissions.ACCESSPERMS) != OwnerOnly && Syscall.chmod(path, OwnerOnly) != 0)
            throw Refused(path, $"it cannot be made private ({Stdlib.GetLastError()})", "run 'chmod 700' on it");
    }

    /// <summary>
    /// Every folder above must belong to root or this user, and one that everyone can write (like /tmp) must have the
    /// sticky bit, so that no other user can rename the state folder away and put one of their own in its place.
    /// </summary>
    private static void CheckParents(string path, string parent)
    {
        for (var folder = RealPath(parent, 0); folder is not null; folder = Path.GetDirectoryName(folder))
        {
            if (Syscall.stat(folder, out var stat) != 0)
                throw Refused(path, $"its parent {folder} cannot be read ({Stdlib.GetLastError()})", "choose a folder you can write");
            if (stat.st_uid != 0 && stat.st_uid != Syscall.geteuid())
                throw Refused(path, $"its parent {folder} belongs to user id {stat.st_uid}, who could replace it", "choose a folder under your home directory");
            if ((stat.st_mode & FilePermissions.S_IWOTH) != 0 && (stat.st_mode & FilePermissions.S_ISVTX) == 0)
                throw Refused(path, $"everyone can write in its parent {folder}, which has no sticky bit, so anyone could replace it",
                    "choose a folder under your home directory");
        }
    }

    /// <summary><paramref name="path"/> with every symbolic link in it resolved, so that the folders checked are the real ones.</summary>
    private static string RealPath(string path, int depth)
    {
        if (depth > 40)
            throw new IOException($"too many symbolic links in {path}");
        var real = Path.GetPathRoot(path)!;
        foreach (var part in path[real.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Join(real, part);
            real = new FileInfo(next).LinkTarget is { } target
                ? RealPath(Path.GetFullPath(target, Path.GetDirectoryName(next)!), depth + 1)
                : next;
        }
        return real;
    }

    private static StateFolderException Refused(string path, string why, string fix) =>
        new($"The app host's state folder {path} ({SettingKey}) cannot be used: {why}. To fix: {fix}.");
}
