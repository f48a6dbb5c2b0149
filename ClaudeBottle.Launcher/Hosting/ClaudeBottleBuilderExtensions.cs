using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Resolution;
using ClaudeBottle.Launcher.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ClaudeBottle.Launcher.Hosting;

/// <summary>Adds claude-bottle's bottles to an Aspire application.</summary>
public static class ClaudeBottleBuilderExtensions
{
    /// <summary>Adds one bottle per agent of <paramref name="manifest"/>, resolving <c>${NAME}</c> values from this process's environment.</summary>
    public static IReadOnlyList<IResourceBuilder<BottleResource>> AddClaudeBottles(
        this IDistributedApplicationBuilder builder, BottleManifest manifest, ClaudeBottleOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        options ??= new ClaudeBottleOptions { ManifestDirectory = manifest.Directory };
        return builder.AddClaudeBottles(BottleResolver.Resolve(manifest, Environment.GetEnvironmentVariable), options);
    }

    /// <summary>Adds the given resolved bottles; those not chosen by <see cref="ClaudeBottleOptions.StartAgents"/> wait for a Start command.</summary>
    public static IReadOnlyList<IResourceBuilder<BottleResource>> AddClaudeBottles(
        this IDistributedApplicationBuilder builder, IEnumerable<ResolvedBottle> bottles, ClaudeBottleOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(bottles);
        builder.Services.TryAddSingleton(options ?? new ClaudeBottleOptions());
        builder.Services.TryAddSingleton<IContainerEngine, DockerContainerEngine>();
        builder.Services.TryAddSingleton<BottleOrchestrator>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<BottleOrchestrator>());
        builder.Services.TryAddSingleton<AttachOutcome>();
        builder.Services.TryAddSingleton<DistributedApplicationModelAccessor>();
        builder.Services.AddHostedService<TerminalAttach>();
        return [.. bottles.Select(builder.AddBottle)];
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
            .OnInitializeResource((r, e, ct) => e.Services.GetRequiredService<BottleOrchestrator>().InitializeAsync(r, ct));
        BottleCommands.AddLifecycle(parent, resource);

        var agent = builder.AddResource(resource.Agent)
            .ExcludeFromManifest()
            .WithParentRelationship(parent)
            .WithIconName("Bot")
            .WithInitialState(Initial("ClaudeAgent", []));
        BottleCommands.AddLifecycle(agent, resource);
        BottleCommands.AddAttach(agent, resource);

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

    private static CustomResourceSnapshot Initial(string type, System.Collections.Immutable.ImmutableArray<ResourcePropertySnapshot> properties) => new()
    {
        ResourceType = type,
        State = KnownResourceStates.NotStarted,
        Properties = properties,
    };
}
