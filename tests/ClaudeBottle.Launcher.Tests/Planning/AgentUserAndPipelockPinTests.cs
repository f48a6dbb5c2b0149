using System.Text.RegularExpressions;
using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Resolution;

namespace ClaudeBottle.Launcher.Tests.Planning;

public sealed class AgentUserAndPipelockPinTests
{
    private static BottlePlan Plan(string bottleJson, string pipelockImage = "proxy:1")
    {
        var bottle = BottleResolver.Resolve(ManifestLoader.Parse($$"""{ "bottles": { "default": {{bottleJson}} }, "agents": { "a": {} } }""",
            "m.json", Path.GetTempPath()), _ => null).Single();
        return BottlePlan.Create(bottle, new BottlePlanSettings("run", "/tmp/run.lock", "cb-", pipelockImage, "agent:1", "/tmp/p.yaml", ProbeImage: "probe:1", EdgeImage: "edge:1", EdgeConfigFile: "/tmp/e.json"));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{ "image": "someone/else:root" }""")]
    public void The_agent_runs_as_a_fixed_non_root_uid_and_gid_whatever_its_image(string bottleJson)
    {
        var plan = Plan(bottleJson);

        plan.Agent.User.Should().Be("1000:1000", "numeric, so no image's passwd can make it root; with a group, so no image's group file adds others");
        plan.Probe!.User.Should().Be(plan.Agent.User, "the probe checks what the agent's user can reach");
    }

    [Fact]
    public void The_probe_is_the_products_image_on_the_agents_network_with_nothing_of_the_agents_own()
    {
        var plan = Plan("""{ "image": "someone/else:1", "env": { "X": "y" } }""");

        plan.Probe!.Image.Should().Be("probe:1");
        plan.Probe.Network.Should().Be(plan.InternalNetwork.Name);
        plan.Probe.Environment.Should().BeEmpty();
        plan.Probe.Binds.Should().BeEmpty();
        plan.Probe.ReadOnlyRootFilesystem.Should().BeTrue();
        plan.Probe.Labels[BottleLabels.Role].Should().Be(IsolationProbe.Role);
        IsolationProbe.Ports.Should().Contain([22, 80, 443, 2375, 2376]).And.HaveCountGreaterThan(5);
    }

    [Fact]
    public void Every_container_of_a_bottle_drops_every_capability_and_has_memory_and_pids_limits()
    {
        var bottle = BottleResolver.Resolve(ManifestLoader.Parse("""{ "agents": { "a": {} } }""", "m.json", Path.GetTempPath()), _ => null).Single();
        var plan = BottlePlan.Create(bottle, new BottlePlanSettings("run", "/tmp/run.lock", "cb-", "proxy:1", "agent:1", "/tmp/p.yaml",
            TelemetrySinkImage: "sink:1", ProbeImage: "probe:1", EdgeImage: "edge:1", EdgeConfigFile: "/tmp/e.json"));

        ContainerSpec[] all = [plan.Agent, plan.Proxy, plan.Edge!, plan.Probe!, plan.Telemetry!];
        foreach (var spec in all)
        {
            spec.DropAllCapabilities.Should().BeTrue(spec.Name);
            spec.NoNewPrivileges.Should().BeTrue(spec.Name);
            spec.ReadOnlyRootFilesystem.Should().BeTrue(spec.Name);
            spec.MemoryBytes.Should().BePositive(spec.Name);
            spec.Pids.Should().BePositive(spec.Name);
            if (spec != plan.Probe)
                spec.Cpus.Should().BePositive(spec.Name, "the probe alone is uncapped: it is on the start's path");
        }
    }

    [Fact]
    public void Pipelock_is_pinned_by_tag_and_digest_and_an_operators_mirror_is_used_as_named()
    {
        PipelockImage.Reference.Should().MatchRegex($"^{Regex.Escape(PipelockImage.TagReference)}@sha256:[0-9a-f]{{64}}$");
        new PipelockOptions().Image.Should().Be(PipelockImage.Reference);
        Plan("{}", pipelockImage: PipelockImage.Reference).Proxy.Image.Should().Be(PipelockImage.Reference);
        Plan("{}", pipelockImage: "mirror.example/pipelock:mine").Proxy.Image.Should().Be("mirror.example/pipelock:mine");
    }

    [Fact]
    public void A_local_image_under_pipelocks_tag_is_named_as_untrusted()
    {
        PipelockImage.ImpostorHint(PipelockImage.Reference, tagPresent: true).Should()
            .Contain(PipelockImage.TagReference).And.Contain("not the pinned digest").And.Contain(PipelockImage.ConfigurationKey);
        PipelockImage.ImpostorHint(PipelockImage.Reference, tagPresent: false).Should().BeNull();
        PipelockImage.ImpostorHint("mirror:1", tagPresent: true).Should().BeNull();
    }
}
