using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Runtime;
using ClaudeBottle.Launcher.Tests.Planning;

namespace ClaudeBottle.Launcher.Tests.Runtime;

/// <summary>Allowing a host in a running bottle: both files bound into the proxies change in place, then each proxy is told.</summary>
public sealed class LiveAllowanceTests
{
    [Fact]
    public async Task Both_configs_are_rewritten_in_place_then_pipelock_and_the_edge_are_signalled_in_that_order()
    {
        using var dir = new TempDirectory();
        var bottle = BottlePlanTests.Bottle("{}");
        var pipelockFile = dir.Write("pipelock.yaml", PipelockConfigText.Write(bottle, "scan-token"));
        var edgeFile = dir.Write("edge.json", EdgeConfigText.Write(bottle, "scan-token", extraCa: false));
        var engine = new FakeEngine();
        engine.RunningIds["proxy-1"] = true;
        engine.RunningIds["edge-1"] = true;
        var instance = new BottleInstance("a", dir.Path) { ProxyId = "proxy-1", EdgeId = "edge-1" };
        // Opened before, as the engine's binds hold the file they were made with: they see the change only if it is made
        // in this very file, not in a new one renamed over it.
        await using var boundPipelock = new FileStream(pipelockFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        await using var boundEdge = new FileStream(edgeFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

        await new LiveAllowance(engine).AllowAsync(instance, "pypi.org", CancellationToken.None);

        (await new StreamReader(boundPipelock).ReadToEndAsync()).Should().Contain("- pypi.org");
        (await new StreamReader(boundEdge).ReadToEndAsync()).Should().Contain("\"pypi.org\"");
        engine.Signals.Should().Equal(("proxy-1", "HUP"), ("edge-1", "HUP"));
    }

    [Fact]
    public async Task A_stopped_proxy_is_reported_and_the_edge_is_not_told()
    {
        using var dir = new TempDirectory();
        var bottle = BottlePlanTests.Bottle("{}");
        dir.Write("pipelock.yaml", PipelockConfigText.Write(bottle, "scan-token"));
        dir.Write("edge.json", EdgeConfigText.Write(bottle, "scan-token", extraCa: false));
        var engine = new FakeEngine();
        engine.RunningIds["edge-1"] = true;
        var instance = new BottleInstance("a", dir.Path) { ProxyId = "proxy-1", EdgeId = "edge-1" };

        var allow = () => new LiveAllowance(engine).AllowAsync(instance, "pypi.org", CancellationToken.None);

        await allow.Should().ThrowAsync<InvalidOperationException>();
        engine.Signals.Should().BeEmpty("the edge must not let through what pipelock has not been told to");
        File.ReadAllText(Path.Join(dir.Path, "edge.json")).Should().NotContain("pypi.org");
    }
}
