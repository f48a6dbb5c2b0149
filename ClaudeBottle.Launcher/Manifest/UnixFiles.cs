using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ClaudeBottle.Launcher.Manifest;

/// <summary>
/// File access that never follows a symbolic link and never blocks on a FIFO, for files an attacker may have laid
/// out (a repository's build context): every step opens relative to a directory already open (<c>openat</c> with
/// <c>O_NOFOLLOW</c>), so a path swapped for a link between a look and a read is refused, not followed. .NET has no
/// such API; these are Linux's own calls (<see cref="HostFile"/> looks at paths, this at entries of open directories).
/// </summary>
internal static class UnixFiles
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxBasicStats = 0x7ff;
    private const int ReadOnly = 0, NonBlock = 0x800, CloseOnExec = 0x80000;

    // O_DIRECTORY and O_NOFOLLOW differ between architectures (asm-generic vs arm's own).
    private static readonly bool ArmFlags = RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm or Architecture.Ppc64le;
    private static readonly int DirectoryFlag = ArmFlags ? 0x4000 : 0x10000;
    private static readonly int NoFollow = ArmFlags ? 0x8000 : 0x20000;

    /// <summary>The entry <paramref name="name"/> of an open directory, itself.</summary>
    public static FileStat Lstat(SafeFileHandle directory, string name) => Use(directory, fd => Stat(fd, name, AtSymlinkNoFollow));

    /// <summary>What an open handle is.</summary>
    public static FileStat Fstat(SafeFileHandle handle) => Use(handle, fd => Stat(fd, "", AtEmptyPath));

    /// <summary>Opens an absolute directory path one component at a time, refusing any symbolic link along it.</summary>
    public static SafeFileHandle OpenDirectoryNoFollow(string absolute)
    {
        var current = Open(AtFdCwd, "/", ReadOnly | DirectoryFlag | CloseOnExec, "/");
        foreach (var part in absolute.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            using var parent = current;
            current = OpenDirectory(parent, part, absolute);
        }
        return current;
    }

    /// <summary>Opens the directory <paramref name="name"/> of <paramref name="parent"/>; a link in its place is refused.</summary>
    public static SafeFileHandle OpenDirectory(SafeFileHandle parent, string name, string shown) =>
        Use(parent, fd => Open(fd, name, ReadOnly | DirectoryFlag | NoFollow | CloseOnExec, shown));

    /// <summary>Opens <paramref name="name"/> of <paramref name="parent"/> to read; never follows a link, never waits on a FIFO.</summary>
    public static SafeFileHandle OpenFile(SafeFileHandle parent, string name, string shown) =>
        Use(parent, fd => Open(fd, name, ReadOnly | NoFollow | NonBlock | CloseOnExec, shown));

    /// <summary>The text of the symbolic link <paramref name="name"/>, as written: it is not followed.</summary>
    public static string ReadLink(SafeFileHandle directory, string name, string shown) => Use(directory, fd =>
    {
        var buffer = new byte[4097];
        var length = (int)ReadLinkAt(fd, name, buffer, buffer.Length);
        if (length < 0)
            throw Error(shown);
        if (length >= buffer.Length)
            throw new IOException($"{shown}: a symbolic link longer than 4096 bytes");
        return System.Text.Encoding.UTF8.GetString(buffer, 0, length);
    });

    /// <summary>The names in an open directory (through <c>/proc/self/fd</c>, so the directory listed is the one open).</summary>
    public static IReadOnlyList<string> Names(SafeFileHandle directory) => Use(directory, fd =>
        (IReadOnlyList<string>)[.. Directory.EnumerateFileSystemEntries($"/proc/self/fd/{fd}").Select(Path.GetFileName).OfType<string>()]);

    private static T Use<T>(SafeFileHandle handle, Func<int, T> call)
    {
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return call((int)handle.DangerousGetHandle());
        }
        finally
        {
            if (added)
                handle.DangerousRelease();
        }
    }

    private static SafeFileHandle Open(int directory, string name, int flags, string shown)
    {
        var fd = OpenAt(directory, name, flags);
        return fd < 0 ? throw Error(shown) : new SafeFileHandle(fd, ownsHandle: true);
    }

    private static FileStat Stat(int directory, string path, int flags) =>
        Statx(directory, path, flags, out var errno) ?? (errno is 2 or 20 // ENOENT, ENOTDIR
            ? FileStat.Missing
            : throw Error(path.Length == 0 ? "an open file" : path));

    /// <summary>The object at an absolute <paramref name="path"/> itself, a link not followed; null with the errno.</summary>
    public static FileStat? LstatPath(string path, out int errno) => Statx(AtFdCwd, path, AtSymlinkNoFollow, out errno);

    private static FileStat? Statx(int directory, string path, int flags, out int errno)
    {
        // Linux's struct statx has the same layout on every architecture, unlike struct stat.
        var buffer = new byte[256];
        if (StatX(directory, path, flags, StatxBasicStats, buffer) != 0)
        {
            errno = Marshal.GetLastPInvokeError();
            return null;
        }
        errno = 0;
        var mode = BitConverter.ToUInt16(buffer, 28);
        return new FileStat(KindOf(mode), (long)BitConverter.ToUInt64(buffer, 40), (mode & 0x40) != 0,
            ((ulong)BitConverter.ToUInt32(buffer, 136) << 32) | BitConverter.ToUInt32(buffer, 140), BitConverter.ToUInt64(buffer, 32));
    }

    private static HostFileKind KindOf(ushort mode) => (mode & 0xF000) switch
    {
        0x8000 => HostFileKind.RegularFile,
        0x4000 => HostFileKind.Directory,
        0xA000 => HostFileKind.SymbolicLink,
        0x1000 => HostFileKind.NamedPipe,
        0xC000 => HostFileKind.Socket,
        0x2000 => HostFileKind.CharacterDevice,
        0x6000 => HostFileKind.BlockDevice,
        _ => HostFileKind.Other,
    };

    private static IOException Error(string shown) => new($"{shown}: {Marshal.GetLastPInvokeErrorMessage()}");

    // DllImport with plain arrays: no unsafe code, and statx's buffer is read by offset.
    [DllImport("libc", EntryPoint = "openat", SetLastError = true)]
    private static extern int OpenAt(int directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int StatX(int directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, [Out] byte[] buffer);

    [DllImport("libc", EntryPoint = "readlinkat", SetLastError = true)]
    private static extern nint ReadLinkAt(int directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, [Out] byte[] buffer, nint size);
}
