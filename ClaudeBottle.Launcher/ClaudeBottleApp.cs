using Aspire.Hosting;
using ClaudeBottle.Launcher.Cli;
using ClaudeBottle.Launcher.Hosting;
using ClaudeBottle.Launcher.Publishing;
using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Resolution;
using ClaudeBottle.Launcher.Runtime;
using ClaudeBottle.Launcher.Telemetry;
using ClaudeBottle.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ClaudeBottle.Launcher.Planning;

namespace ClaudeBottle.Launcher;

/// <summary>The app host's whole program: options, manifest, then the Aspire application.</summary>
public static class ClaudeBottleApp
{
    public static async Task<int> RunAsync(string[] args)
    {
        LaunchOptions options;
        try
        {
            options = LaunchOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"{e.Message}{Environment.NewLine}{Environment.NewLine}{LaunchOptions.Usage}");
            return 2;
        }
        if (options.Help)
        {
            await Console.Out.WriteLineAsync(LaunchOptions.Usage);
            return 0;
        }
        if (options.Check)
            return CheckCommand.Run(options, Console.Out, Console.Error, Environment.GetEnvironmentVariable);

        // An invalid manifest stops here, before Aspire, the dashboard or any container starts.
        BottleManifest manifest;
        try
        {
            manifest = ManifestLoader.Load(options.ManifestPath);
        }
        catch (ManifestException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 1;
        }

        var builder = DistributedApplication.CreateBuilder([.. options.AspireArgs]);
        if (builder.Configuration[ExtraCaCertificatesKey] is { Length: > 0 } caFile && !File.Exists(caFile))
        {
            await Console.Error.WriteLineAsync($"{ExtraCaCertificatesKey} names {Path.GetFullPath(caFile)}, which does not exist; " +
                                               "give a PEM file of CA certificates, or unset it");
            return 1;
        }
        var agentImage = new AgentImageSettings
        {
            BaseImage = builder.Configuration[AgentBaseImageKey] is { Length: > 0 } baseImage ? baseImage : AgentImages.DefaultBaseImage,
            ExtraCaCertificatesFile = builder.Configuration[ExtraCaCertificatesKey] is { Length: > 0 } ca ? Path.GetFullPath(ca) : null,
        };
        var addressPool = builder.Configuration[BottleRunner.AddressPoolKey] is { Length: > 0 } pool ? pool : SubnetAllocator.DefaultPool;
        try
        {
            SubnetAllocator.Parse(addressPool);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"{BottleRunner.AddressPoolKey}: {e.Message}");
            return 1;
        }
        var pipelockImage = builder.Configuration[PipelockImage.ConfigurationKey] is { Length: > 0 } mirror ? mirror : PipelockImage.Reference;
        var prebuiltAgentImage = builder.Configuration[AgentImageKey] is { Length: > 0 } agent ? agent : null;

        if (builder.ExecutionContext.IsPublishMode)
        {
            // Publishing writes ${NAME} references, so it needs none of the variables set.
            builder.AddResource(new BottleComposeEnvironment("compose", ComposePublisher.Resolve(manifest), new ComposeSettings
            {
                PipelockImage = pipelockImage,
                AgentImage = agentImage,
                PrebuiltAgentImage = prebuiltAgentImage,
            })).ExcludeFromManifest();
            await using var publisher = builder.Build();
            await publisher.RunAsync();
            return 0;
        }

        IReadOnlyList<ResolvedBottle> bottles;
        try
        {
            bottles = BottleResolver.Resolve(manifest, Environment.GetEnvironmentVariable);
            BottleSelection.Select(bottles, options.Agents, options.ManifestPath);
        }
        catch (ManifestException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 1;
        }
        if (options.Attach && CheckAttach(options, bottles) is { } attachProblem)
        {
            await Console.Error.WriteLineAsync(attachProblem);
            return 2;
        }
        // Attached, the user is at this terminal rather than the dashboard: ask here, as the original tool did.
        var approved = options.Yes;
        if (options.Attach && !approved)
        {
            var bottle = bottles.Single(b => b.Name == options.Agents[0]);
            await Console.Out.WriteAsync(PlanFormatter.Format(bottle, manifest.Directory) + "Start this bottle? [y/N] ");
            if (Console.ReadLine()?.Trim().ToLowerInvariant() is not ("y" or "yes"))
            {
                await Console.Out.WriteLineAsync("Not started.");
                return 1;
            }
            approved = true;
        }

        // The launch as traces, and the bottles' telemetry, go to the dashboard unless telemetry is turned off.
        var telemetry = builder.Configuration.GetValue(TelemetryEnabledKey, defaultValue: true);
        if (telemetry)
            builder.Services.AddTraceExport(builder.Configuration, "claude-bottle", LaunchTracing.SourceName);
        builder.AddClaudeBottles(bottles, new ClaudeBottleOptions
        {
            Telemetry = telemetry ? OtlpDestination.ResolveHttp(builder.Configuration) : null,
            AutoApprove = approved,
            AddressPool = addressPool,
            AttachAgent = options.Attach ? options.Agents[0] : null,
            StartAgents = options.Agents,
            ManifestDirectory = manifest.Directory,
            PipelockImage = pipelockImage,
            PrebuiltAgentImage = prebuiltAgentImage,
            AgentImage = agentImage,
            StateRoot = builder.Configuration[StateRootKey] is { Length: > 0 } root ? root : null,
        });
        await using var app = builder.Build();
        await app.RunAsync();
        return app.Services.GetRequiredService<AttachOutcome>().ExitCode ?? 0;
    }

    private static string? CheckAttach(LaunchOptions options, IReadOnlyList<ResolvedBottle> bottles)
    {
        if (options.Agents.Length != 1)
            return "--attach needs exactly one --agent: the agent whose Claude session this terminal becomes";
        var bottle = bottles.Single(b => b.Name == options.Agents[0]);
        if (bottle.IsHeadless)
            return $"--attach needs an interactive agent, but '{bottle.Name}' has a prompt and runs headless; " +
                   "remove its prompt, or follow it in the dashboard instead";
        if (Console.IsInputRedirected)
            return "--attach needs a terminal, but standard input is not one";
        return null;
    }

    /// <summary>Configuration key naming a ready standard agent image (a mirror) to use instead of building one.</summary>
    public const string AgentImageKey = "ClaudeBottle:AgentImage";

    /// <summary>Configuration key for the base the standard agent image is built on (any Debian-based image).</summary>
    public const string AgentBaseImageKey = "ClaudeBottle:AgentBaseImage";

    /// <summary>Configuration key for a PEM file of extra CA certificates, trusted at build and at run time.</summary>
    public const string ExtraCaCertificatesKey = "ClaudeBottle:ExtraCaCertificates";

    /// <summary>Configuration key that turns telemetry off (<c>false</c>): no launch traces, no relay, no sink in bottles.</summary>
    public const string TelemetryEnabledKey = "ClaudeBottle:Telemetry:Enabled";

    /// <summary>Configuration key for where run state lives (default: a per-user directory under the temp directory).</summary>
    public const string StateRootKey = "ClaudeBottle:StateRoot";
}
