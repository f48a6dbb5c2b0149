using ClaudeBottle.Integration.Tests.Docker;
using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Resolution;
using ClaudeBottle.Launcher.Runtime;
using ClaudeBottle.Launcher.Planning;

namespace ClaudeBottle.Integration.Tests.Runtime;

/// <summary>Records what <see cref="BottleRunner"/> reports.</summary>
internal sealed class RecordingProgress : IBottleProgress
{
    public List<string> Events { get; } = [];
    public void Step(string message) => Events.Add(message);
    public Task ProxyCreatedAsync(string containerId) { Events.Add("proxy-created"); return Task.CompletedTask; }
    public Task ProxyHealthyAsync() { Events.Add("proxy-healthy"); return Task.CompletedTask; }
    public Task AgentStartedAsync(string containerId) { Events.Add("agent-started"); return Task.CompletedTask; }
}

/// <summary>Builds a one-agent bottle plan on the test images.</summary>
internal static class Bottles
{
    public static async Task<(ResolvedBottle Bottle, string ProxyImage, string AgentImage)> ResolveAsync(string name, params string[] allowlist)
    {
        var proxyImage = await TestImages.ProxyAsync();
        var agentImage = await TestImages.AgentAsync();
        await TestImages.ProbeAsync();
        await TestImages.EdgeAsync();
        var hosts = string.Join(", ", allowlist.Select(h => $"\"{h}\""));
        var manifest = ManifestLoader.Parse($$"""
            { "bottles": { "default": { "image": "{{agentImage}}", "egress": { "allowlist": [{{hosts}}] } } },
              "agents": { "{{name}}": {} } }
            """, "test.json", Path.GetTempPath());
        return (BottleResolver.Resolve(manifest, _ => null).Single(), proxyImage, agentImage);
    }

    public static BottlePlan Plan(ResolvedBottle bottle, InstanceLease lease, string proxyImage, string agentImage) =>
        BottlePlan.Create(bottle, new BottlePlanSettings(lease.Id, lease.LockFile, $"claude-bottle-{lease.Id}-", proxyImage, agentImage,
            BottleRunner.ConfigFile(StateDirectory(lease, bottle)), ProbeImage: TestImages.ProbeTag,
            EdgeImage: TestImages.EdgeTag, EdgeConfigFile: BottleRunner.EdgeConfigFile(StateDirectory(lease, bottle))));

    public static string StateDirectory(InstanceLease lease, ResolvedBottle bottle) => Path.Join(lease.Directory, bottle.Name);
}
