#pragma warning disable ASPIREPIPELINES001 // Aspire's pipeline API (publish steps) is marked for evaluation.
#pragma warning disable ASPIREPIPELINES004
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Pipelines;
using ClaudeBottle.Launcher.Resolution;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClaudeBottle.Launcher.Publishing;

/// <summary>
/// The compose deployment as a publish-only resource: its pipeline step, required by Aspire's <c>publish</c>, writes
/// the deployment into the pipeline's output directory (<c>aspire publish -o DIR</c>).
/// </summary>
public sealed class BottleComposeEnvironment : Resource
{
    /// <summary>Directories and files the step owns in the output directory; stale ones are removed before writing.</summary>
    private static readonly string[] Owned = ["pipelock", "edge", "images", "skills", "ca", ComposePublisher.ComposeFileName, ComposePublisher.EnvExampleFileName];

    public BottleComposeEnvironment(string name, IReadOnlyList<ResolvedBottle> bottles, ComposeSettings settings) : base(name)
    {
        Bottles = bottles;
        Settings = settings;
        Annotations.Add(new PipelineStepAnnotation(_ => new PipelineStep
        {
            Name = $"publish-{name}",
            Description = "Writes the bottles' Docker Compose deployment",
            Action = PublishAsync,
            RequiredBySteps = [WellKnownPipelineSteps.Publish],
        }));
    }

    public IReadOnlyList<ResolvedBottle> Bottles { get; }

    public ComposeSettings Settings { get; }

    private async Task PublishAsync(PipelineStepContext context)
    {
        var output = context.Services.GetRequiredService<IPipelineOutputService>().GetOutputDirectory();
        var task = await context.ReportingStep.CreateTaskAsync($"Writing the Docker Compose deployment of {Bottles.Count} bottle(s)", context.CancellationToken);
        await using (task)
        {
            var executables = new HashSet<string>(StringComparer.Ordinal);
            var links = new SortedDictionary<string, string>(StringComparer.Ordinal);
            var files = ComposePublisher.Publish(Bottles, Settings, executables, links);
            await DeploymentFiles.WriteAsync(output, Owned, files, executables, links, context.CancellationToken);
            context.Logger.LogInformation("Wrote {Count} files to {Output}", files.Count, output);
            await task.CompleteAsync($"Wrote {Path.Join(output, ComposePublisher.ComposeFileName)} and {files.Count - 1} more files",
                CompletionState.Completed, context.CancellationToken);
        }
    }
}
