#pragma warning disable ASPIREPIPELINES001 // Aspire's pipeline API (publish steps) is marked for evaluation.
#pragma warning disable ASPIREPIPELINES004
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Pipelines;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClaudeBottle.Launcher.Publishing;

/// <summary>
/// The bottles' deployment as a publish-only resource: its pipeline step, required by Aspire's <c>publish</c>, writes
/// the chosen target's files into the pipeline's output directory (<c>aspire publish -o DIR</c>).
/// </summary>
public sealed class BottlePublishEnvironment : Resource
{
    public BottlePublishEnvironment(string name, IBottleDeployment deployment) : base(name)
    {
        Deployment = deployment;
        Annotations.Add(new PipelineStepAnnotation(_ => new PipelineStep
        {
            Name = $"publish-{name}",
            Description = $"Writes the bottles' {deployment.Title}",
            Action = PublishAsync,
            RequiredBySteps = [WellKnownPipelineSteps.Publish],
        }));
    }

    public IBottleDeployment Deployment { get; }

    private async Task PublishAsync(PipelineStepContext context)
    {
        var output = context.Services.GetRequiredService<IPipelineOutputService>().GetOutputDirectory();
        var task = await context.ReportingStep.CreateTaskAsync(
            $"Writing the {Deployment.Title} of {Deployment.Bottles.Count} bottle(s)", context.CancellationToken);
        await using (task)
        {
            var count = await Deployment.WriteAsync(output, context.CancellationToken);
            context.Logger.LogInformation("Wrote {Count} files to {Output}", count, output);
            await task.CompleteAsync($"Wrote {Path.Join(output, Deployment.MainFile)} and {count - 1} more files",
                CompletionState.Completed, context.CancellationToken);
        }
    }
}
