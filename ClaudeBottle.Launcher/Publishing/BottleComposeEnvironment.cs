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
            Directory.CreateDirectory(output);
            foreach (var owned in Owned.Select(o => Path.Join(output, o)))
            {
                if (Directory.Exists(owned)) Directory.Delete(owned, recursive: true);
                else File.Delete(owned);
            }
            RemoveStaleExamples(Path.Join(output, ComposeEdge.SecretsDirectory));
            foreach (var (path, content) in files)
            {
                var full = Path.Join(output, path);
                Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                // The operator's real values go into this folder: its owner alone may enter it (the engine mounts the files).
                if (path.StartsWith(ComposeEdge.SecretsDirectory + "/", StringComparison.Ordinal) && !OperatingSystem.IsWindows())
                    File.SetUnixFileMode(Path.GetDirectoryName(full)!, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                await File.WriteAllBytesAsync(full, content, context.CancellationToken);
                if (executables.Contains(path) && !OperatingSystem.IsWindows())
                    File.SetUnixFileMode(full, File.GetUnixFileMode(full) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            }
            // Links last, so that no file is written through one; each is written as a link, with its text, not followed.
            foreach (var (path, target) in links)
            {
                var full = Path.Join(output, path);
                Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                File.CreateSymbolicLink(full, target);
            }
            context.Logger.LogInformation("Wrote {Count} files to {Output}", files.Count, output);
            await task.CompleteAsync($"Wrote {Path.Join(output, ComposePublisher.ComposeFileName)} and {files.Count - 1} more files",
                CompletionState.Completed, context.CancellationToken);
        }
    }

    /// <summary>
    /// The secrets folder is the operator's: their filled-in files stay. Only what the publisher wrote there (the
    /// examples and the .gitignore) is replaced.
    /// </summary>
    private static void RemoveStaleExamples(string secrets)
    {
        if (!Directory.Exists(secrets))
            return;
        foreach (var file in Directory.EnumerateFiles(secrets, "*.json" + ComposeEdge.ExampleSuffix).Append(Path.Join(secrets, ".gitignore")))
            File.Delete(file);
    }
}
