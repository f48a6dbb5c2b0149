#pragma warning disable ASPIREPIPELINES001 // Aspire's pipeline API (publish steps) is marked for evaluation.
#pragma warning disable ASPIREPIPELINES004
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Pipelines;
using ClaudeBottle.Launcher.Resolution;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClaudeBottle.Launcher.Publishing.Kubernetes;

/// <summary>
/// The Kubernetes deployment as a publish-only resource: its pipeline step, required by Aspire's <c>publish</c>, writes
/// the deployment into the pipeline's output directory (<c>aspire publish -o DIR</c>).
/// </summary>
public sealed class BottleKubernetesEnvironment : Resource
{
    public BottleKubernetesEnvironment(string name, IReadOnlyList<ResolvedBottle> bottles, KubernetesSettings settings) : base(name)
    {
        Bottles = bottles;
        Settings = settings;
        Annotations.Add(new PipelineStepAnnotation(_ => new PipelineStep
        {
            Name = $"publish-{name}",
            Description = "Writes the bottles' Kubernetes deployment",
            Action = PublishAsync,
            RequiredBySteps = [WellKnownPipelineSteps.Publish],
        }));
    }

    public IReadOnlyList<ResolvedBottle> Bottles { get; }

    public KubernetesSettings Settings { get; }

    private async Task PublishAsync(PipelineStepContext context)
    {
        var output = context.Services.GetRequiredService<IPipelineOutputService>().GetOutputDirectory();
        var task = await context.ReportingStep.CreateTaskAsync($"Writing the Kubernetes deployment of {Bottles.Count} bottle(s)", context.CancellationToken);
        await using (task)
        {
            var files = KubernetesPublisher.Publish(Bottles, Settings);
            await Write(output, files, context.CancellationToken);
            context.Logger.LogInformation("Wrote {Count} files to {Output}", files.Count, output);
            await task.CompleteAsync($"Wrote {Path.Join(output, KubernetesPublisher.NamespacesFile)} and {files.Count - 1} more files",
                CompletionState.Completed, context.CancellationToken);
        }
    }

    /// <summary>
    /// Replaces what an earlier publish wrote: the namespaces file and the bottles' folder entirely; in the secrets and
    /// volumes folders only the examples and the .gitignore, since the operator's filled-in copies live there too.
    /// </summary>
    public static async Task Write(string output, SortedDictionary<string, byte[]> files, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(output);
        var bottles = Path.Join(output, KubernetesPublisher.BottlesDirectory);
        if (Directory.Exists(bottles))
            Directory.Delete(bottles, recursive: true);
        File.Delete(Path.Join(output, KubernetesPublisher.NamespacesFile));
        foreach (var folder in new[] { KubernetesPublisher.SecretsDirectory, KubernetesPublisher.VolumesDirectory }.Select(f => Path.Join(output, f)))
            if (Directory.Exists(folder))
                foreach (var file in Directory.EnumerateFiles(folder, "*" + KubernetesPublisher.ExampleSuffix).Append(Path.Join(folder, ".gitignore")))
                    File.Delete(file);
        foreach (var (path, content) in files)
        {
            var full = Path.Join(output, path);
            var folder = Path.GetDirectoryName(full)!;
            Directory.CreateDirectory(folder);
            // The operator's real values go into this folder: its owner alone may enter it.
            if (path.StartsWith(KubernetesPublisher.SecretsDirectory + "/", StringComparison.Ordinal) && !OperatingSystem.IsWindows())
                File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            await File.WriteAllBytesAsync(full, content, cancellationToken);
        }
    }
}
