using ClaudeBottle.Integration.Tests.Docker;
using ClaudeBottle.Integration.Tests.Runtime;
using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Runtime;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClaudeBottle.Integration.Tests.Hardening;

/// <summary>What a bottle may take of the host: its output, memory, swap, processes and CPU are capped, the proxy's too.</summary>
public sealed class HostCapsTests
{
    [SkippableFact]
    public async Task Every_container_rotates_its_logs_has_no_swap_and_the_proxy_is_limited()
    {
        await TestEngine.RequireAsync();
        var (bottle, proxyImage, agentImage) = await Bottles.ResolveAsync("capped");
        var root = Directory.CreateTempSubdirectory("claude-bottle-runs-").FullName;
        using var lease = InstanceLease.Acquire(root);
        using var engine = new DockerContainerEngine();
        var runner = new BottleRunner(engine, NullLogger.Instance);
        var instance = await runner.StartAsync(Bottles.Plan(bottle, lease, proxyImage, agentImage), Bottles.StateDirectory(lease, bottle),
            new RecordingProgress(), CancellationToken.None);
        try
        {
            using var client = TestEngine.CreateClient();
            foreach (var id in new[] { instance.AgentId!, instance.ProxyId! })
            {
                var host = (await client.Containers.InspectContainerAsync(id)).HostConfig!;
                host.LogConfig.Type.Should().Be("json-file");
                host.LogConfig.Config.Should().Contain("max-size", "10m").And.Contain("max-file", "3");
                host.Memory.Should().BeGreaterThan(0);
                host.MemorySwap.Should().Be(host.Memory, "no swap beyond the memory limit");
            }

            var proxy = (await client.Containers.InspectContainerAsync(instance.ProxyId!)).HostConfig!;
            proxy.Memory.Should().Be(256L << 20);
            proxy.PidsLimit.Should().Be(128);
            proxy.NanoCPUs.Should().Be(1_000_000_000);
            // The limit holds: a fork bomb in the proxy stops at it.
            // The limit holds: a fork bomb in the proxy is refused more processes long before its 200th.
            var (_, output) = await TestScope.ExecAsync(client, instance.ProxyId!, "for i in $(seq 200); do sleep 5 & done");
            output.Should().Contain("fork: retry: Resource temporarily unavailable");
        }
        finally
        {
            await runner.RemoveAsync(instance, CancellationToken.None);
        }
    }
}
