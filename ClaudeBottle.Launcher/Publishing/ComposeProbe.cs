using ClaudeBottle.Launcher.Planning;

namespace ClaudeBottle.Launcher.Publishing;

/// <summary>
/// The isolation probe in a compose deployment: the same probe image and checks as run mode, as a service that runs
/// once the proxy is healthy and must complete successfully before the agent is created. Compose picks the networks'
/// subnets itself, so the probe finds their gateways from inside (its routes, the first address of its subnet).
/// </summary>
internal static class ComposeProbe
{
    private const string ImageDirectory = "images/probe";

    /// <summary>The probe image's tag, its build context written into <paramref name="files"/> unless a ready image is named.</summary>
    public static (string Image, ComposeBuild? Build) Image(ComposeSettings settings, SortedDictionary<string, byte[]> files)
    {
        var (tag, recipe) = AgentImages.ProbePlan(settings.AgentImage, settings.ProbeImage);
        if (recipe is null)
            return (tag, null);
        foreach (var file in recipe.Files)
            files[$"{ImageDirectory}/{file.Name}"] = file.Content;
        return (tag, new ComposeBuild { Context = $"./{ImageDirectory}", Args = new(recipe.Build.BuildArgs.ToDictionary(), StringComparer.Ordinal) });
    }

    /// <summary>Makes <paramref name="probe"/> wait for a healthy proxy, and <paramref name="agent"/> for the probe's success.</summary>
    public static void Wire(ComposeService probe, ComposeBuild? build, string probeName, string proxyName, ComposeService agent)
    {
        probe.Build = build;
        probe.DependsOn = new(StringComparer.Ordinal) { [proxyName] = new ComposeDependency { Condition = "service_healthy" } };
        agent.DependsOn ??= new(StringComparer.Ordinal);
        agent.DependsOn[probeName] = new ComposeDependency { Condition = "service_completed_successfully" };
    }
}
