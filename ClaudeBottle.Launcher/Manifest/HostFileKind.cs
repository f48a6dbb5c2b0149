namespace ClaudeBottle.Launcher.Manifest;

/// <summary>What kind of object a host path names (the file type of <c>stat</c>).</summary>
public enum HostFileKind { RegularFile, Directory, SymbolicLink, NamedPipe, Socket, CharacterDevice, BlockDevice, Other }
