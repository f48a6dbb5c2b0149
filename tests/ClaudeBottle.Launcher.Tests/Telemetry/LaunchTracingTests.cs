using System.Diagnostics;
using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Resolution;
using ClaudeBottle.Launcher.Runtime;
using ClaudeBottle.Launcher.Telemetry;
using ClaudeBottle.Launcher.Tests.Runtime;
using Microsoft.Extensions.Logging.Abstractions;
using ClaudeBottle.Launcher.Planning;

namespace ClaudeBottle.Launcher.Tests.Telemetry;

/// <summary>The runner's steps as spans, recorded by a listener on <see cref="LaunchTracing.SourceName"/>.</summary>
[Collection(nameof(LaunchTracingTests))] // The listener hears every bottle of the process; these tests run alone.
public sealed class LaunchTracingTests : IDisposable
{
    private readonly List<Activity> _spans = [];
    private readonly ActivityListener _listener;

    public LaunchTracingTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == LaunchTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (_spans) _spans.Add(a); },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    private sealed class Progress : IBottleProgress
    {
        public void Step(string message) { }
        public Task ProxyCreatedAsync(string containerId) => Task.CompletedTask;
        public Task ProxyHealthyAsync() => Task.CompletedTask;
        public Task AgentStartedAsync(string containerId) => Task.CompletedTask;
    }

    private static (BottlePlan Plan, string State) Plan(TempDirectory dir, string bottleName)
    {
        var bottle = BottleResolver.Resolve(ManifestLoader.Parse($$"""{ "agents": { "{{bottleName}}": {} } }""", "m.json", dir.Path), _ => null).Single();
        var state = Path.Join(dir.Path, "state");
        return (BottlePlan.Create(bottle, new BottlePlanSettings("run", Path.Join(dir.Path, "run.lock"), "cb-run-", "proxy:1", "agent:1",
            BottleRunner.ConfigFile(state), TelemetrySinkImage: "agent:1", ProbeImage: "probe:1", EdgeImage: "edge:1", EdgeConfigFile: BottleRunner.EdgeConfigFile(state))), state);
    }

    private List<Activity> SpansOf(string bottle)
    {
        lock (_spans)
            return [.. _spans.Where(s => s.GetTagItem(LaunchTracing.BottleAttribute) as string == bottle)];
    }

    [Fact]
    public async Task Each_step_of_a_start_is_a_child_span_and_teardown_is_a_trace_of_its_own()
    {
        using var dir = new TempDirectory();
        var (plan, state) = Plan(dir, "traced");
        var engine = new FakeEngine { Images = { "proxy:1", "agent:1" } };
        var runner = new BottleRunner(engine, NullLogger.Instance);

        BottleInstance instance;
        using (var launch = LaunchTracing.Step("bottle.start", "traced", root: true))
            instance = await runner.StartAsync(plan, state, new Progress(), CancellationToken.None);
        await runner.RemoveAsync(instance, CancellationToken.None);

        var spans = SpansOf("traced");
        var root = spans.Single(s => s.OperationName == "bottle.start");
        // The proxy, its probe and the telemetry sink start side by side, between the networks and the agent.
        var steps = spans.Where(s => s.ParentSpanId == root.SpanId).Select(s => s.OperationName).ToList();
        steps.Should().BeEquivalentTo(["image.pull", "network.create", "proxy.start", "edge.start", "proxy.health", "telemetry.start", "agent.start"]);
        steps.Take(2).Should().Equal("image.pull", "network.create");
        steps.Last().Should().Be("agent.start");
        var teardown = spans.Single(s => s.OperationName == "bottle.teardown");
        teardown.TraceId.Should().NotBe(root.TraceId);
        teardown.Parent.Should().BeNull();
        spans.Should().OnlyContain(s => s.Status != ActivityStatusCode.Error);
        engine.Containers.Should().BeEmpty("the sink is removed with the rest");
    }

    [Fact]
    public async Task The_step_that_failed_carries_the_reason()
    {
        using var dir = new TempDirectory();
        var (plan, state) = Plan(dir, "broken");
        var engine = new FakeEngine { Images = { "proxy:1", "agent:1" }, Failures = { [nameof(IContainerEngine.ConnectNetworkAsync)] = new InvalidOperationException("no such network") } };

        await Assert.ThrowsAsync<BottleStartException>(() => new BottleRunner(engine, NullLogger.Instance).StartAsync(plan, state, new Progress(), CancellationToken.None));

        // Both proxies join a second network as they start; each step that failed says so.
        var failed = SpansOf("broken").Where(s => s.Status == ActivityStatusCode.Error).ToList();
        failed.Select(s => s.OperationName).Should().BeSubsetOf(["proxy.start", "edge.start"]).And.NotBeEmpty();
        failed.Should().OnlyContain(s => s.StatusDescription!.Contains("no such network"));
    }

    [Fact]
    public void The_traceparent_is_w3c()
    {
        using var span = LaunchTracing.Step("bottle.start", "w3c", root: true);

        LaunchTracing.TraceParent(span).Should().MatchRegex("^00-[0-9a-f]{32}-[0-9a-f]{16}-01$");
    }
}
