namespace ClaudeBottle.Launcher.Planning;

/// <summary>A header the edge sets on requests to <see cref="Host"/>, rendered from <see cref="Template"/> with the real values.</summary>
public sealed record EdgeCredential(string Name, string Host, string Header, string Template);
