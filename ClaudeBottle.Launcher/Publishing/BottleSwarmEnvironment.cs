#pragma warning disable ASPIREPIPELINES001 // Aspire's pipeline API (publish steps) is marked for evaluation.
#pragma warning disable ASPIREPIPELINES004
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Pipelines;
using ClaudeBottle.Launcher.Resolution;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClaudeBottle.Launcher.Publishing;

/// <summary>
/// The swarm stack as a publish-only resource (<c>ClaudeBottle:Publish:Target=swarm</c>): its pipeline step, required
/// by Aspire's <c>publish</c>, writes the stack into the pipeline's output directory.
/// </summary>
public sealed class BottleSwarmEnvironment : Resource
{
    private static readonly string[] Owned =
        ["pipelock", "edge", "images", "skills", "ca", "swarm", SwarmPublisher.StackFileName, SwarmPublisher.BuildScriptName];

    public BottleSwarmEnvironment(string name, IReadOnlyList<ResolvedBottle> bottles, ComposeSettings settings) : base(name)
    {
        Bottles = bottles;
        Settings = settings;
        Annotations.Add(new PipelineStepAnnotation(_ => new PipelineStep
        {
            Name = $"publish-{name}",
            Description = "Writes the bottles' Docker Swarm stack",
            Action = PublishAsync,
            RequiredBySteps = [WellKnownPipelineSteps.Publish],
        }));
    }

    public IReadOnlyList<ResolvedBottle> Bottles { get; }

    public ComposeSettings Settings { get; }

    private async Task PublishAsync(PipelineStepContext context)
    {
        var output = context.Services.GetRequiredService<IPipelineOutputService>().GetOutputDirectory();
        var task = await context.ReportingStep.CreateTaskAsync($"Writing the Docker Swarm stack of {Bottles.Count} bottle(s)", context.CancellationToken);
        await using (task)
        {
            var executables = new HashSet<string>(StringComparer.Ordinal);
            var links = new SortedDictionary<string, string>(StringComparer.Ordinal);
            var files = SwarmPublisher.Publish(Bottles, Settings, executables, links);
            await DeploymentFiles.WriteAsync(output, Owned, files, executables, links, context.CancellationToken);
            context.Logger.LogInformation("Wrote {Count} files to {Output}", files.Count, output);
            await task.CompleteAsync($"Wrote {Path.Join(output, SwarmPublisher.StackFileName)} and {files.Count - 1} more files",
                CompletionState.Completed, context.CancellationToken);
        }
    }
}
