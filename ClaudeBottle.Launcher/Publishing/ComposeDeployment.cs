using ClaudeBottle.Launcher.Resolution;

namespace ClaudeBottle.Launcher.Publishing;

/// <summary>The default target: a compose file for one Docker engine (<c>docker compose up</c>).</summary>
public sealed class ComposeDeployment(IReadOnlyList<ResolvedBottle> bottles, PublishSettings settings) : IBottleDeployment
{
    /// <summary>Directories and files it owns in the output directory; stale ones are removed before writing.</summary>
    private static readonly string[] Owned = ["pipelock", "edge", "images", "skills", "ca", ComposePublisher.ComposeFileName, ComposePublisher.EnvExampleFileName];

    public string Title => "Docker Compose deployment";

    public string MainFile => ComposePublisher.ComposeFileName;

    public IReadOnlyList<ResolvedBottle> Bottles => bottles;

    public PublishSettings Settings => settings;

    public async Task<int> WriteAsync(string output, CancellationToken cancellationToken)
    {
        var executables = new HashSet<string>(StringComparer.Ordinal);
        var links = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var files = ComposePublisher.Publish(bottles, settings, executables, links);
        await DeploymentFiles.WriteAsync(output, Owned, files, executables, links, cancellationToken);
        return files.Count;
    }
}
