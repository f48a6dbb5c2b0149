namespace ClaudeBottle.Launcher.Planning;

/// <summary>A file of an image's build context; an executable one keeps its execute permission in the image.</summary>
public sealed record ContextFile(string Name, byte[] Content, bool Executable = false);
