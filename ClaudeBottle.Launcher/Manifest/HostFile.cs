using System.Runtime.InteropServices;

namespace ClaudeBottle.Launcher.Manifest;

/// <summary>
/// One object on the host as the kernel sees it: its real path (every symbolic link resolved, by the kernel's own rules),
/// its kind, and the device and inode that identify it whatever its name. .NET exposes neither the inode nor the file
/// type (a FIFO, a socket or a device passes <c>File.Exists</c>), so libc's <c>realpath</c> and <c>statx</c> are asked
/// (<see cref="UnixFiles"/> reads <c>statx</c> for both).
/// </summary>
public sealed record HostFile(string RealPath, HostFileKind Kind, ulong Device, ulong Inode)
{
    /// <summary>The object <paramref name="path"/> leads to, or null with the reason (missing, a link loop, no access).</summary>
    public static HostFile? Inspect(string path, out string? problem)
    {
        var real = Resolve(path, out problem);
        if (real is null)
            return null;
        var found = Stat(real, out problem);
        return found is null ? null : found with { RealPath = real };
    }

    /// <summary>The object at <paramref name="path"/> itself, a symbolic link not followed; null with the reason.</summary>
    public static HostFile? Stat(string path, out string? problem)
    {
        if (UnixFiles.LstatPath(path, out var errno) is not { Kind: { } kind } stat)
        {
            problem = Describe(errno);
            return null;
        }
        problem = null;
        return new HostFile(path, kind, stat.Device, stat.Inode);
    }

    /// <summary>libc's <c>realpath</c>: absolute, every link and <c>..</c> resolved in order; null with the reason.</summary>
    public static string? Resolve(string path, out string? problem)
    {
        var result = Native.Realpath(path, 0);
        if (result == 0)
        {
            problem = Describe(Marshal.GetLastPInvokeError());
            return null;
        }
        try
        {
            problem = null;
            return Marshal.PtrToStringUTF8(result);
        }
        finally
        {
            Native.Free(result);
        }
    }

    private static string Describe(int errno) => errno switch
    {
        2 => "it does not exist",
        13 => "it cannot be read (permission denied)",
        20 => "a part of it is not a directory",
        36 => "it is too long",
        40 => "its symbolic links loop",
        _ => $"it cannot be examined (error {errno})",
    };

    private static class Native
    {
        [DllImport("libc", EntryPoint = "realpath", SetLastError = true)]
        public static extern nint Realpath([MarshalAs(UnmanagedType.LPUTF8Str)] string path, nint resolved);

        [DllImport("libc", EntryPoint = "free")]
        public static extern void Free(nint pointer);
    }
}
