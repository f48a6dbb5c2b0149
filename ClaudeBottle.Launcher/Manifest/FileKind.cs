namespace ClaudeBottle.Launcher.Manifest;

/// <summary>What a directory entry is, read without following a symbolic link (<c>lstat</c>).</summary>
public enum FileKind
{
    Missing,
    Regular,
    Directory,
    SymbolicLink,
    Fifo,
    Socket,
    CharacterDevice,
    BlockDevice,
}
