using ClaudeBottle.Launcher.Resolution;

namespace ClaudeBottle.Launcher.Publishing;

/// <summary>The swarm target (<c>ClaudeBottle:Publish:Target=swarm</c>): a stack for <c>docker stack deploy</c>.</summary>
public sealed class SwarmDeployment(IReadOnlyList<ResolvedBottle> bottles, PublishSettings settings) : IBottleDeployment
{
    private static readonly string[] Owned =
        ["pipelock", "edge", "images", "skills", "ca", "swarm", SwarmPublisher.StackFileName, SwarmPublisher.BuildScriptName, SwarmPlacement.ScriptName];

    public string Title => "Docker Swarm stack";

    public string MainFile => SwarmPublisher.StackFileName;

    public IReadOnlyList<ResolvedBottle> Bottles => bottles;

    public PublishSettings Settings => settings;

    public async Task<int> WriteAsync(string output, CancellationToken cancellationToken)
    {
        var executables = new HashSet<string>(StringComparer.Ordinal);
        var links = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var files = SwarmPublisher.Publish(bottles, settings, executables, links);
        await DeploymentFiles.WriteAsync(output, Owned, files, executables, links, cancellationToken);
        return files.Count;
    }
}
