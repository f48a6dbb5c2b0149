using System.Diagnostics;
using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using ClaudeBottle.Launcher.Runtime;
using ClaudeBottle.Integration.Tests.Docker;
using ClaudeBottle.Integration.Tests.Hosting;
using ClaudeBottle.Launcher.Telemetry.Otlp;
using Docker.DotNet.Models;
using Google.Protobuf;
using Resource = ClaudeBottle.Launcher.Telemetry.Otlp.Resource;
using ClaudeBottle.Launcher.Planning;

namespace ClaudeBottle.Integration.Tests.Telemetry;

/// <summary>
/// A bottle's telemetry on the real engine, with an OTLP receiver of the test's own in the dashboard's place: the
/// proxy's decisions, the launch's spans, and what a Claude stand-in exports from inside the bottle, which must get
/// out through the sink while nothing in the bottle gets a route anywhere.
/// </summary>
public sealed class TelemetryTests
{
    internal const string ClaudeEvent = "fake claude telemetry event";

    /// <summary>What the stand-in exports: as Claude Code would, under a service name of its own choosing.</summary>
    internal static byte[] ClaudeLogs()
    {
        var resource = new Resource { Attributes = { new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = "claude-code" } } } };
        var record = new LogRecord { Body = new AnyValue { StringValue = ClaudeEvent }, SeverityText = "Information" };
        record.Attributes.Add(new KeyValue { Key = "event.name", Value = new AnyValue { StringValue = "claude_code.user_prompt" } });
        return new ExportLogsServiceRequest { ResourceLogs = { new ResourceLogs { Resource = resource, ScopeLogs = { new ScopeLogs { LogRecords = { record } } } } } }.ToByteArray();
    }

    /// <summary>A metric as Claude Code names its token counter, again under a service name of its own choosing.</summary>
    internal static byte[] ClaudeMetrics() => new ExportMetricsServiceRequest
    {
        ResourceMetrics =
        {
            new ResourceMetrics
            {
                Resource = new Resource { Attributes = { new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = "claude-code" } } } },
                ScopeMetrics = { new ScopeMetrics { Metrics = { new Metric { Name = "claude_code.token.usage", Unit = "tokens" } } } },
            },
        },
    }.ToByteArray();

    [SkippableFact]
    public async Task Egress_decisions_launch_spans_and_claudes_telemetry_reach_the_endpoint_and_open_no_route()
    {
        await TestEngine.RequireAsync();
        using var receiver = new OtlpReceiver();
        var agentImage = await TestImages.TelemetryClaudeAsync(ClaudeLogs(), ClaudeMetrics());
        var manifest = AppHostRun.WriteManifest("""
            { "bottles": { "default": { "egress": { "allowlist": ["allowed.upstream.test"] } } },
              "agents": { "watched": { "prompt": "say hello" } } }
            """);
        await using var scope = new TestScope();
        var run = await AppHostRun.StartAsync(manifest, null,
            $"--ClaudeBottle:AgentImage={agentImage}", "--ClaudeBottle:Telemetry:Enabled=true",
            $"--OTEL_EXPORTER_OTLP_ENDPOINT={receiver.Url}", "--OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf");
        string traceParent;
        await using (run)
        {
            await run.WaitAsync("watched-agent", KnownResourceStates.Running);
            var agent = AppHostRun.Property(run.Snapshot("watched-agent"), "container.id")!;
            var networks = AppHostRun.Property(run.Snapshot("watched-proxy"), "container.networks")!.Split(", ");
            var egress = networks.Single(n => n.EndsWith("-egress"));
            var (_, _, upstreamIp) = await scope.StartUpstreamAsync(egress, "allowed.upstream.test", "blocked.upstream.test");

            // One request let through, one blocked: each a log record of the proxy, naming the host and the bottle.
            for (var i = 0; i < 15 && !(await scope.ExecAsync(agent, Probes.Connect("allowed.upstream.test"))).Output.Contains(Probes.UpstreamGreeting); i++)
                await Task.Delay(500);
            (await scope.ExecAsync(agent, Probes.Connect("blocked.upstream.test"))).Output.Should().Contain("403");
            await receiver.WaitAsync(r => r.Logs.Any(l => IsEgress(l, "blocked", "blocked.upstream.test")), "the blocked request's log record");
            await receiver.WaitAsync(r => r.Logs.Any(l => IsEgress(l, "allowed", "allowed.upstream.test")), "the allowed request's log record");
            receiver.Logs.Single(l => IsEgress(l, "blocked", "blocked.upstream.test")).Severity.Should().Be("Warning");

            // The bottle's summary, at a glance (published at most once a second: the last decision may be a second behind).
            using var summary = new CancellationTokenSource(AppHostRun.Timeout);
            var bottle = (await run.App.ResourceNotifications.WaitForResourceAsync("watched",
                e => AppHostRun.Property(e.Snapshot, "egress.blocked") == "blocked.upstream.test (1)", summary.Token)).Snapshot;
            AppHostRun.Property(bottle, "egress.blocked").Should().Be("blocked.upstream.test (1)");
            AppHostRun.Property(bottle, "egress.allowed").Should().Contain("allowed.upstream.test (");

            // Claude's own telemetry, relayed from the sink under the agent's name whatever name it gave itself.
            await receiver.WaitAsync(r => r.Logs.Any(l => l.Body == ClaudeEvent), "the stand-in Claude's log record");
            var claude = receiver.Logs.First(l => l.Body == ClaudeEvent);
            claude.Resource.Should().Contain("service.name", "watched-agent").And.Contain("bottle.name", "watched");
            claude.Attributes.Should().Contain("event.name", "claude_code.user_prompt");
            await receiver.WaitAsync(r => r.Metrics.Any(m => m.Name == "claude_code.token.usage"), "the stand-in Claude's metric");
            receiver.Metrics.First(m => m.Name == "claude_code.token.usage").Resource
                .Should().Contain("service.name", "watched-agent").And.Contain("bottle.name", "watched");

            // ... while neither the agent nor the sink has a route to the test's upstream, or to the host.
            var sink = await SinkAsync(scope.Client, "watched");
            sink.NetworkSettings!.Networks.Keys.Should().ContainSingle().Which.Should().EndWith("-internal");
            (await scope.ExecAsync(agent, Probes.Tcp(upstreamIp, 8080))).Output.Should().NotContain(Probes.UpstreamGreeting);
            (await scope.ExecAsync(sink.ID, Probes.Tcp(upstreamIp, 8080))).Output.Should().NotContain(Probes.UpstreamGreeting);
            (await scope.ExecAsync(sink.ID, Probes.Tcp("allowed.upstream.test", 8080))).Output.Should().NotContain(Probes.UpstreamGreeting);
            foreach (var network in networks)
            {
                var gateway = await scope.GatewayAsync(network);
                (await scope.ExecAsync(sink.ID, Probes.Tcp(gateway, new Uri(receiver.Url).Port))).ExitCode.Should().NotBe(0, "the sink must not reach the host at {0}", gateway);
            }

            // A sink that dies (as under a flood that exhausts its memory) comes back, and is relayed again.
            // The sink's image is Node and one script: no pkill, so the process is found by name in /proc.
            (await scope.ExecAsync(sink.ID, "killed=0; for p in /proc/[0-9]*; do [ \"$(cat $p/comm 2>/dev/null)\" = node ] && kill -KILL ${p#/proc/} && killed=1; done; [ $killed = 1 ]"))
                .ExitCode.Should().Be(0, "the sink's Node process is killed");
            await run.WaitForLogAsync("watched-agent", "The telemetry sink runs again");
            for (var i = 0; i < 20 && receiver.Logs.Count(l => l.Body == ClaudeEvent) < 2; i++)
            {
                await scope.ExecAsync(agent, "curl -sf -o /dev/null -m 2 -H 'Content-Type: application/x-protobuf' " +
                                             "--data-binary @/usr/local/share/fake-claude/logs.bin \"$OTEL_EXPORTER_OTLP_ENDPOINT/v1/logs\"");
                await Task.Delay(500);
            }
            receiver.Logs.Count(l => l.Body == ClaudeEvent).Should().BeGreaterThanOrEqualTo(2, "the restarted sink is followed again");

            traceParent = (await run.WaitForLogAsync("watched-agent", "fake-claude traceparent:")).Split(": ")[1].Trim();
        }

        // The launch, step by step, in one trace that the headless run continues; teardown in a trace of its own.
        string[] steps = ["network.create", "proxy.start", "proxy.health", "telemetry.start", "agent.start"];
        await receiver.WaitAsync(r => steps.Append("bottle.start").Append("bottle.teardown").All(n => r.Spans.Any(s => s.Name == n && s.Attributes.GetValueOrDefault("bottle.name") == "watched")),
            "every launch span of the bottle");
        var launch = receiver.Spans.Single(s => s.Name == "bottle.start" && s.Attributes["bottle.name"] == "watched");
        launch.Resource.Should().Contain("service.name", "claude-bottle");
        // Other tests in this process start bottles too, and the activity source is the process's: this bottle's only.
        receiver.Spans.Where(s => steps.Contains(s.Name) && s.Attributes.GetValueOrDefault("bottle.name") == "watched")
            .Should().OnlyContain(s => s.TraceId == launch.TraceId && s.ParentSpanId == launch.SpanId);
        traceParent.Should().Be($"00-{launch.TraceId}-{launch.SpanId}-01");
    }

    /// <summary>The same through a real app host process and its real dashboard, read back through the dashboard's telemetry API.</summary>
    [SkippableFact]
    public async Task In_the_dashboard_the_decisions_and_claudes_telemetry_belong_to_the_bottles_resources()
    {
        await TestEngine.RequireAsync();
        var agentImage = await TestImages.TelemetryClaudeAsync(ClaudeLogs(), ClaudeMetrics());
        var manifest = AppHostRun.WriteManifest("""{ "agents": { "seen": { "prompt": "say hello" } } }""");
        var stateRoot = Directory.CreateTempSubdirectory("claude-bottle-state-").FullName;

        await using var host = await AppHostProcess.StartAsync(manifest, stateRoot, false, $"--ClaudeBottle:AgentImage={agentImage}", "--ClaudeBottle:Telemetry:Enabled=true");
        await host.WaitForOutputAsync("/login?t=");
        using var dashboard = await DashboardApi.LoginAsync(host.Text);

        string? agent = null;
        await AppHostCrashTests.WaitUntilAsync(async () =>
            (agent = (await AppHostRun.ObjectsAsync(stateRoot)).FirstOrDefault(o => o.Kind == LabelledKind.Container && o.Name.EndsWith("-seen-agent", StringComparison.Ordinal))?.Id) is not null,
            "the agent exists");
        await using var scope = new TestScope();
        for (var i = 0; i < 20 && !(await scope.ExecAsync(agent!, Probes.Connect("evil.test"))).Output.Contains("403"); i++)
            await Task.Delay(500);

        Task<string> LogsOf(string resource) => dashboard.LogsAsync(resource);
        await AppHostCrashTests.WaitUntilAsync(async () => (await LogsOf("seen-proxy")).Contains("blocked CONNECT evil.test:8080", StringComparison.Ordinal),
            "the dashboard lists the blocked request under seen-proxy");
        await AppHostCrashTests.WaitUntilAsync(async () => (await LogsOf("seen-agent")).Contains(ClaudeEvent, StringComparison.Ordinal),
            $"the dashboard lists the stand-in Claude's record under seen-agent; the app host printed:\n{host.Text}");
        (await LogsOf("seen-proxy")).Should().Contain("\"egress.host\"").And.Contain("\"evil.test\"").And.NotContain(ClaudeEvent);

        using (var kill = Process.Start("kill", ["-TERM", host.Process.Id.ToString(CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();
        using var exit = new CancellationTokenSource(AppHostRun.Timeout);
        await host.Process.WaitForExitAsync(exit.Token);
        (await AppHostRun.ObjectsAsync(stateRoot)).Should().BeEmpty("shutdown removes the sink with the rest of the bottle");
    }

    /// <summary>A sink image without Node or the sink's script (a wrong mirror, say): the sink fails, and stays stopped.</summary>
    [SkippableFact]
    public async Task A_sink_that_cannot_run_is_stopped_with_a_clear_error_and_the_bottle_runs_on()
    {
        await TestEngine.RequireAsync();
        using var receiver = new OtlpReceiver();
        var agentImage = await TestImages.AgentAsync(); // No Node, no sink script.
        var manifest = AppHostRun.WriteManifest("""{ "agents": { "sinkless": {} } }""");
        await using var run = await AppHostRun.StartAsync(manifest, null,
            $"--ClaudeBottle:AgentImage={agentImage}", "--ClaudeBottle:Telemetry:Enabled=true", $"--ClaudeBottle:Telemetry:SinkImage={agentImage}",
            $"--OTEL_EXPORTER_OTLP_ENDPOINT={receiver.Url}", "--OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf");
        await run.WaitAsync("sinkless-agent", KnownResourceStates.Running);

        (await run.WaitForLogAsync("sinkless-agent", "The telemetry sink keeps failing")).Should().Contain(Launcher.Planning.TelemetrySink.Script);
        using var client = TestEngine.CreateClient();
        var sink = await SinkAsync(client, "sinkless");
        await Task.Delay(TimeSpan.FromSeconds(3));
        (await client.Containers.InspectContainerAsync(sink.ID)).State!.Status.Should().Be("exited", "a stopped sink is not restarted again");
        run.Snapshot("sinkless-agent").State!.Text.Should().Be(KnownResourceStates.Running, "the bottle itself runs on");
    }

    /// <summary>The telemetry sink of <paramref name="bottle"/>, as the engine lists it.</summary>
    private static async Task<ContainerListResponse> SinkAsync(global::Docker.DotNet.DockerClient client, string bottle) =>
        (await client.Containers.ListContainersAsync(new ContainersListParameters { All = true }))
            .Single(c => c.Names.Any(n => n.StartsWith("/claude-bottle-", StringComparison.Ordinal) && n.EndsWith($"-{bottle}-telemetry", StringComparison.Ordinal)));

    private static bool IsEgress(OtlpReceiver.Log log, string decision, string host) =>
        log.Resource.GetValueOrDefault("service.name") == "watched-proxy" && log.Resource.GetValueOrDefault("bottle.name") == "watched" &&
        log.Attributes.GetValueOrDefault("egress.decision") == decision && log.Attributes.GetValueOrDefault("egress.host") == host &&
        log.Attributes.GetValueOrDefault("bottle.name") == "watched";
}
