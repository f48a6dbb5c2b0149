using ClaudeBottle.Launcher.Planning;

namespace ClaudeBottle.Launcher.Publishing;

/// <summary>
/// The isolation probe in a compose deployment: the same probe image and checks as run mode, as a service that runs
/// once both proxies are healthy (the edge is once pipelock accepts its connections) and must complete successfully
/// before the agent is created. Compose picks the networks' subnets itself, so the probe finds its gateways from inside (its routes, the first address of its subnet);
/// pipelock's address, which run mode also has it try, is not known here (docs/publish.md).
/// </summary>
internal static class ComposeProbe
{
    /// <summary>The probe image's tag, its build context written into <paramref name="files"/> unless a ready image is named.</summary>
    public static (string Image, ComposeBuild? Build) Image(PublishSettings settings, SortedDictionary<string, byte[]> files) =>
        ComposeImages.Product("probe", AgentImages.ProbePlan(settings.AgentImage, settings.ProbeImage), files);

    /// <summary>
    /// Makes <paramref name="probe"/> wait for a healthy pipelock and edge, and <paramref name="agent"/> for the probe's
    /// success.
    /// </summary>
    public static void Wire(ComposeService probe, ComposeBuild? build, string probeName, string proxyName, string edgeName, ComposeService agent)
    {
        probe.Build = build;
        probe.DependsOn = new(StringComparer.Ordinal)
        {
            [proxyName] = new ComposeDependency { Condition = "service_healthy" },
            [edgeName] = new ComposeDependency { Condition = "service_healthy" },
        };
        agent.DependsOn ??= new(StringComparer.Ordinal);
        agent.DependsOn[probeName] = new ComposeDependency { Condition = "service_completed_successfully" };
    }
}
