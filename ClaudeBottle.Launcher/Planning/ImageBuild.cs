namespace ClaudeBottle.Launcher.Planning;

/// <summary>How an image is built: its tag, its Dockerfile within the context, build arguments and labels.</summary>
public sealed record ImageBuild(string Tag, string Dockerfile, IReadOnlyDictionary<string, string> BuildArgs, IReadOnlyDictionary<string, string> Labels);
