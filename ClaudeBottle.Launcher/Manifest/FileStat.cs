namespace ClaudeBottle.Launcher.Manifest;

/// <summary>An entry's kind, size and identity (device and inode), as <c>lstat</c> or <c>fstat</c> gave them.</summary>
public readonly record struct FileStat(HostFileKind? Kind, long Size, bool Executable, ulong Device, ulong Inode)
{
    /// <summary>No such entry (<see cref="Kind"/> null).</summary>
    public static readonly FileStat Missing = new(null, 0, false, 0, 0);

    /// <summary>True for the same file: an open handle is the entry that was looked at, not one swapped in since.</summary>
    public bool SameFile(FileStat other) => Device == other.Device && Inode == other.Inode;
}
