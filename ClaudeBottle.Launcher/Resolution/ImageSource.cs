using ClaudeBottle.Launcher.Manifest;

namespace ClaudeBottle.Launcher.Resolution;

/// <summary>Where an agent's image comes from.</summary>
public abstract record ImageSource
{
    /// <summary>The standard claude-bottle agent image, built by the app host.</summary>
    public sealed record Standard : ImageSource
    {
        public override string ToString() => "standard agent image";
    }

    /// <summary>A ready image named in the manifest.</summary>
    public sealed record Reference(string Image) : ImageSource
    {
        public override string ToString() => Image;
    }

    /// <summary>A Dockerfile extending the standard image, built by the app host; both paths are real (links resolved) when loaded.</summary>
    public sealed record Build(string Context, string Dockerfile, ManifestPath? Origin = null) : ImageSource
    {
        public override string ToString() => $"built from {Dockerfile}";
    }
}
