using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Publishing;
using ClaudeBottle.Launcher.Publishing.Kubernetes;
using ClaudeBottle.Launcher.Resolution;
using ClaudeBottle.Launcher.Runtime;
using ClaudeBottle.Launcher.Telemetry;
using ClaudeBottle.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ClaudeBottle.Launcher.Hosting;

/// <summary>Adds claude-bottle's bottles to an Aspire application: <c>builder.AddClaudeBottles("claude-bottle.json")</c>.</summary>
public static class ClaudeBottleBuilderExtensions
{
    /// <summary>
    /// Adds one bottle per agent of the manifest at <paramref name="manifestPath"/>, run as the <c>ClaudeBottle</c>
    /// configuration section says. Throws <see cref="ManifestException"/> naming every problem of an invalid manifest.
    /// </summary>
    public static IReadOnlyList<IResourceBuilder<BottleResource>> AddClaudeBottles(this IDistributedApplicationBuilder builder,
        string manifestPath = ManifestLoader.DefaultFileName) => builder.AddClaudeBottles(ManifestLoader.Load(manifestPath));

    /// <summary>
    /// Adds one bottle per agent of <paramref name="manifest"/>, with <c>${NAME}</c> values from this process's
    /// environment; when publishing, a deployment of them for the target <c>ClaudeBottle:Publish:Target</c> names instead. The agents not named in
    /// <c>ClaudeBottle:Agents</c> (when it names any) wait for a Start command.
    /// </summary>
    public static IReadOnlyList<IResourceBuilder<BottleResource>> AddClaudeBottles(this IDistributedApplicationBuilder builder, BottleManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(manifest);
        var options = builder.Configuration.GetSection(ClaudeBottleOptions.Section).Get<ClaudeBottleOptions>() ?? new ClaudeBottleOptions();
        if (options.Problems() is { Count: > 0 } problems)
            throw new DistributedApplicationException(string.Join(Environment.NewLine, problems));

        if (builder.ExecutionContext.IsPublishMode)
        {
            // Publishing writes ${NAME} references, so it needs none of the variables set.
            var published = ComposePublisher.Resolve(manifest);
            var settings = new PublishSettings
            {
                PipelockImage = options.Pipelock.Image,
                AgentImage = options.AgentImageSettings,
                PrebuiltAgentImage = options.PrebuiltAgentImage,
                ProbeImage = options.ProbeImage,
                EdgeImage = options.EdgeImage,
                ManifestDirectory = manifest.Directory,
                MaxContextBytes = options.MaxBuildContextBytes,
            };
            // One choice, one place: ClaudeBottle:Publish:Target (validated above, with the other options).
            var target = options.Publish.Chosen ?? PublishTarget.Compose;
            IBottleDeployment deployment = target switch
            {
                PublishTarget.Swarm => new SwarmDeployment(published, settings),
                PublishTarget.Kubernetes => new KubernetesDeployment(published, new KubernetesSettings
                {
                    Common = settings,
                    ClusterCidrs = builder.Configuration.GetSection(KubernetesSettings.ClusterCidrsKey).Get<string[]>() ?? [],
                }),
                _ => new ComposeDeployment(published, settings),
            };
            builder.AddResource(new BottlePublishEnvironment(target.ToString().ToLowerInvariant(), deployment)).ExcludeFromManifest();
            return [];
        }

        var bottles = BottleResolver.Resolve(manifest, Environment.GetEnvironmentVariable);
        BottleSelection.Select(bottles, options.Agents, manifest.FilePath);
        var telemetry = options.Telemetry.Enabled ? OtlpDestination.ResolveHttp(builder.Configuration) : null;
        if (options.Telemetry.Enabled)
            builder.Services.AddTraceExport(builder.Configuration, "claude-bottle", LaunchTracing.SourceName);
        builder.Services.AddClaudeBottleServices(options, new BottleHostContext(manifest.Directory, telemetry));
        // --resume and --fresh act on the agents started at launch; the others do as the manifest says.
        return [.. bottles.Select(b => options.Conversation is { } mode && options.StartsAtLaunch(b.Name) ? b.WithConversation(mode) : b)
            .Select(builder.AddBottle)];
    }

    /// <summary>The app host's parts, one job each; the container engine is the one the environment names.</summary>
    private static void AddClaudeBottleServices(this IServiceCollection services, ClaudeBottleOptions options, BottleHostContext context)
    {
        services.TryAddSingleton(options);
        services.TryAddSingleton(context);
        services.TryAddSingleton<IContainerEngine, DockerContainerEngine>();
        services.TryAddSingleton(sp => new BottleRunner(sp.GetRequiredService<IContainerEngine>(), sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<BottleRunner>>())
        {
            Subnets = SubnetAllocator.Parse(options.Network.AddressPool),
        });
        if (context.Telemetry is { } destination)
        {
            services.TryAddSingleton(sp => new OtlpRelay(destination, sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<OtlpRelay>>()));
            services.TryAddSingleton<TelemetryRelayFollower>();
        }
        services.TryAddSingleton<ResourcePublisher>();
        services.TryAddSingleton<EnginePolling>();
        services.TryAddSingleton<BackgroundWork>();
        services.TryAddSingleton<EngineReadiness>();
        services.TryAddSingleton<PlanApproval>();
        services.TryAddSingleton<ImageProvisioner>();
        services.TryAddSingleton<EgressRecorder>();
        services.TryAddSingleton<ContainerLogFollower>();
        services.TryAddSingleton<AgentExitWatcher>();
        services.TryAddSingleton<BottleRemoval>();
        services.TryAddSingleton<BottlePlanner>();
        services.TryAddSingleton<BottleHeadStart>();
        services.TryAddSingleton<CloneWork>();
        services.TryAddSingleton<BottleStarter>();
        services.TryAddSingleton<BottleOrchestrator>();
        services.AddHostedService<BottleLifecycle>();
        services.TryAddSingleton<AttachOutcome>();
        services.TryAddSingleton<DistributedApplicationModelAccessor>();
        services.AddHostedService<TerminalAttach>();
    }

    /// <summary>Adds one bottle, with its agent and proxy as children.</summary>
    public static IResourceBuilder<BottleResource> AddBottle(this IDistributedApplicationBuilder builder, ResolvedBottle bottle)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(bottle);
        var resource = new BottleResource(bottle.Name, bottle);

        var healthKey = $"{resource.Proxy.Name}-health";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(healthKey,
            sp => new ProxyHealthCheck(sp.GetRequiredService<BottleOrchestrator>(), resource), failureStatus: null, tags: null));

        var parent = builder.AddResource(resource)
            .ExcludeFromManifest()
            .WithIconName("Box")
            .WithInitialState(Initial("ClaudeBottle", BottleProperties.ForBottle(bottle, "")))
            .OnInitializeResource((r, e, ct) =>
                e.Services.GetRequiredService<ClaudeBottleOptions>().StartsAtLaunch(r.Name)
                    ? e.Services.GetRequiredService<BottleOrchestrator>().StartAsync(r, ct)
                    : Task.CompletedTask);
        BottleCommands.AddLifecycle(parent, resource);
        BottleCommands.AddConversation(parent, resource);
        LiveAllowCommand.Add(parent, resource);

        var agent = builder.AddResource(resource.Agent)
            .ExcludeFromManifest()
            .WithParentRelationship(parent)
            .WithIconName("Bot")
            .WithInitialState(Initial("ClaudeAgent", []));
        BottleCommands.AddLifecycle(agent, resource);
        BottleCommands.AddAttach(agent, resource);
        BottleCommands.AddBringBack(agent, resource);

        var proxy = builder.AddResource(resource.Proxy)
            .ExcludeFromManifest()
            .WithParentRelationship(parent)
            .WithIconName("ShieldLock")
            .WithHealthCheck(healthKey)
            .WithInitialState(Initial("PipelockProxy", []));
        BottleCommands.AddProxy(proxy, resource);
        return parent;
    }

    /// <summary>Lets the bottle reach more hosts through its proxy, validated as manifest entries are.</summary>
    public static IResourceBuilder<BottleResource> WithAllowlist(this IResourceBuilder<BottleResource> builder, params string[] hosts)
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var host in hosts)
            if (HostnameRules.Check(host) is { } problem)
                throw new ArgumentException($"allowlist entry {problem}", nameof(hosts));
        var bottle = builder.Resource.Bottle;
        builder.Resource.Bottle = bottle with { Allowlist = BottleResolver.EffectiveAllowlist(bottle.Allowlist.Concat(hosts)) };
        return builder;
    }

    /// <summary>The exit code the app host should end with: Claude's, when the terminal was attached to it.</summary>
    public static int ClaudeExitCode(this DistributedApplication app) =>
        app.Services.GetService<AttachOutcome>()?.ExitCode ?? 0;

    private static CustomResourceSnapshot Initial(string type, System.Collections.Immutable.ImmutableArray<ResourcePropertySnapshot> properties) => new()
    {
        ResourceType = type,
        State = KnownResourceStates.NotStarted,
        Properties = properties,
    };
}
