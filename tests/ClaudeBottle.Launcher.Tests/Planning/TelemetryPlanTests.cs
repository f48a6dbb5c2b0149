using ClaudeBottle.Launcher.Resolution;
using ClaudeBottle.Launcher.Telemetry;
using ClaudeBottle.Launcher.Tests.Resolution;
using ClaudeBottle.Launcher.Planning;

namespace ClaudeBottle.Launcher.Tests.Planning;

/// <summary>The sink in a bottle's plan, and what Claude is told about it.</summary>
public sealed class TelemetryPlanTests
{
    private static readonly BottlePlanSettings Settings = BottlePlanTests.Settings;

    private static ResolvedBottle Bottle(string agentJson) => BottlePlanTests.Bottle(agentJson);

    private static Dictionary<string, string> Env(BottlePlan plan) => plan.Agent.Environment.ToDictionary(e => e.Key, e => e.Value);

    [Fact]
    public void The_sink_is_on_the_internal_network_only_unprivileged_and_read_only()
    {
        var plan = BottlePlan.Create(Bottle("{}"), Settings with { TelemetrySinkImage = "agent:std" });

        var sink = plan.Telemetry!;
        sink.Image.Should().Be("agent:std");
        sink.Network.Should().Be(plan.InternalNetwork.Name);
        sink.NetworkAliases.Should().Equal(TelemetrySink.Host);
        sink.User.Should().Be("65534:65534");
        sink.ReadOnlyRootFilesystem.Should().BeTrue();
        sink.DropAllCapabilities.Should().BeTrue();
        sink.Binds.Should().BeEmpty();
        sink.Environment.Should().BeEmpty("the sink holds no secret");
        sink.Command.Should().Contain(TelemetrySink.Script);
        sink.Labels.Should().Contain(ClaudeBottle.Launcher.Planning.BottleLabels.Role, "telemetry");
    }

    [Fact]
    public void Claude_exports_to_the_sink_directly_labelled_with_its_bottle()
    {
        var env = Env(BottlePlan.Create(Bottle("{}"), Settings with { TelemetrySinkImage = "agent:std", TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" }));

        env.Should().Contain("CLAUDE_CODE_ENABLE_TELEMETRY", "1").And.Contain("OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel:4318")
            .And.Contain("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf").And.Contain("OTEL_RESOURCE_ATTRIBUTES", "bottle.name=a");
        env["NO_PROXY"].Split(',').Should().Contain("otel", "asked through the proxy the sink would be an unknown host");
        env.Should().NotContainKey("TRACEPARENT", "an interactive session is not one run");
        env["HTTPS_PROXY"].Should().Be(AgentLayout.ProxyUrl);
    }

    [Fact]
    public void A_headless_run_continues_its_launch_trace()
    {
        var env = Env(BottlePlan.Create(Bottle("""{ "prompt": "go" }"""), Settings with { TelemetrySinkImage = "agent:std", TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" }));

        env.Should().Contain("TRACEPARENT", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01").And.Contain("OTEL_TRACES_EXPORTER", "otlp");
    }

    [Fact]
    public void Without_a_destination_there_is_no_sink_and_claude_exports_nothing()
    {
        var plan = BottlePlan.Create(Bottle("""{ "prompt": "go" }"""), Settings);

        plan.Telemetry.Should().BeNull();
        Env(plan).Keys.Should().NotContain(k => k.StartsWith("OTEL_", StringComparison.Ordinal) || k == "CLAUDE_CODE_ENABLE_TELEMETRY" || k == "TRACEPARENT");
        Env(plan)["NO_PROXY"].Should().Be("localhost,127.0.0.1");
    }
}
