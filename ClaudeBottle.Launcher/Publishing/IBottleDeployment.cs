using ClaudeBottle.Launcher.Resolution;

namespace ClaudeBottle.Launcher.Publishing;

/// <summary>
/// One publish target's deployment of the bottles (compose, swarm, Kubernetes): what <see cref="BottlePublishEnvironment"/>
/// writes when Aspire publishes. A new target is one more implementation.
/// </summary>
public interface IBottleDeployment
{
    /// <summary>What it writes, for the progress line: "Docker Compose deployment".</summary>
    string Title { get; }

    /// <summary>The file an operator starts from, relative to the output directory.</summary>
    string MainFile { get; }

    IReadOnlyList<ResolvedBottle> Bottles { get; }

    /// <summary>Writes the deployment into <paramref name="output"/>, replacing what an earlier publish wrote; returns how many files.</summary>
    Task<int> WriteAsync(string output, CancellationToken cancellationToken);
}
