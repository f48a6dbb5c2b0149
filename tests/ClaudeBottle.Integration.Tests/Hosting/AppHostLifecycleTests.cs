using Aspire.Hosting.ApplicationModel;
using ClaudeBottle.Integration.Tests.Docker;
using ClaudeBottle.Launcher.Runtime;
using ClaudeBottle.Launcher.Planning;

namespace ClaudeBottle.Integration.Tests.Hosting;

/// <summary>The app host end to end: states, properties, logs and commands in Aspire; objects on the real engine.</summary>
public sealed class AppHostLifecycleTests
{
    [SkippableFact]
    public async Task Chosen_agents_start_the_others_wait_and_nothing_remains_after_the_app_host_stops()
    {
        await TestEngine.RequireAsync();
        var agentImage = await TestImages.AgentAsync();
        var manifest = AppHostRun.WriteManifest($$"""
            { "bottles": { "default": { "image": "{{agentImage}}", "egress": { "allowlist": ["github.com"] } } },
              "agents": { "alpha": {}, "beta": {} } }
            """);

        string stateRoot;
        var run = await AppHostRun.StartAsync(manifest, null, "--agent", "alpha");
        await using (run)
        {
            stateRoot = run.StateRoot;
            await run.WaitAsync("alpha-agent", KnownResourceStates.Running);
            await run.WaitAsync("alpha-proxy", KnownResourceStates.Running);
            await run.WaitAsync("alpha", KnownResourceStates.Running);
            run.Snapshot("beta").State!.Text.Should().Be(KnownResourceStates.NotStarted);
            run.Snapshot("beta-agent").State!.Text.Should().Be(KnownResourceStates.NotStarted);

            var agent = run.Snapshot("alpha-agent");
            agent.ResourceType.Should().Be("ClaudeAgent");
            AppHostRun.Property(agent, "container.id").Should().NotBeNullOrEmpty();
            AppHostRun.Property(agent, "container.image").Should().Be(agentImage);
            AppHostRun.Property(agent, "container.networks").Should().EndWith("-alpha-internal").And.NotContain("egress");
            AppHostRun.Property(run.Snapshot("alpha-proxy"), "container.networks").Should().Contain("-alpha-internal").And.Contain("-alpha-egress");
            AppHostRun.Property(run.Snapshot("alpha"), "bottle.allowlist").Should().Be("api.anthropic.com, claude.ai, github.com, platform.claude.com");
            run.Snapshot("alpha-agent").Relationships.Should().Contain(r => r.ResourceName == "alpha" && r.Type == "Parent");
            using (var client = TestEngine.CreateClient())
                foreach (var network in AppHostRun.Property(run.Snapshot("alpha-proxy"), "container.networks")!.Split(", "))
                    (await client.Networks.InspectNetworkAsync(network)).EnableIPv6.Should().BeFalse("bottle networks are IPv4 only: {0}", network);

            // The proxy's own output streams into its console.
            (await run.WaitForLogAsync("alpha-proxy", "\"event\":\"startup\"")).Should().Contain("github.com");
            // The dashboard's health check reads the proxy's /health through the engine.
            using (var health = new CancellationTokenSource(AppHostRun.Timeout))
                await run.App.ResourceNotifications.WaitForResourceHealthyAsync("alpha-proxy", health.Token);

            var attach = await run.CommandAsync("alpha-agent", "claude-bottle-attach");
            attach.Success.Should().BeTrue();
            attach.Message.Should().MatchRegex("docker exec -it claude-bottle-[0-9a-f]+-alpha-agent bash");

            // A waiting bottle starts from its Start command.
            (await run.CommandAsync("beta", KnownResourceCommands.StartCommand)).Success.Should().BeTrue();
            await run.WaitAsync("beta-agent", KnownResourceStates.Running);
            (await AppHostRun.ObjectsAsync(stateRoot)).Should().HaveCount(12, "two bottles of three containers and three networks");

            // Stop removes a bottle whole.
            (await run.CommandAsync("beta", KnownResourceCommands.StopCommand)).Success.Should().BeTrue();
            await run.WaitAsync("beta", KnownResourceStates.Exited);
            (await AppHostRun.ObjectsAsync(stateRoot)).Should().HaveCount(6)
                .And.OnlyContain(o => o.Labels[BottleLabels.Bottle] == "alpha");
        }

        (await AppHostRun.ObjectsAsync(stateRoot)).Should().BeEmpty("stopping the app host removes every container and network it made");
        Directory.EnumerateFileSystemEntries(stateRoot).Should().BeEmpty("and its generated files and lease");
    }

    [SkippableFact]
    public async Task An_agent_that_ends_becomes_Exited_with_its_code_and_its_bottle_is_removed()
    {
        await TestEngine.RequireAsync();
        var agentImage = await TestImages.ExitingAgentAsync(3);
        var manifest = AppHostRun.WriteManifest($$"""{ "bottles": { "default": { "image": "{{agentImage}}" } }, "agents": { "once": {} } }""");

        await using var run = await AppHostRun.StartAsync(manifest);
        var agent = await run.WaitAsync("once-agent", KnownResourceStates.Exited);
        var bottle = await run.WaitAsync("once", KnownResourceStates.Exited);

        agent.Snapshot.ExitCode.Should().Be(3);
        bottle.Snapshot.ExitCode.Should().Be(3);
        (await run.WaitForLogAsync("once-agent", "hello from the agent")).Should().NotBeNull();
        (await run.WaitForLogAsync("once-agent", "a complaint")).Should().NotBeNull();
        (await AppHostRun.ObjectsAsync(run.StateRoot)).Should().BeEmpty("a bottle is removed when its agent ends");
        run.Snapshot("once").Commands.Should().Contain(c => c.Name == KnownResourceCommands.StartCommand && c.State == ResourceCommandState.Enabled);
    }

    [SkippableFact]
    public async Task A_bottle_that_cannot_start_is_FailedToStart_with_the_reason_and_leaves_nothing()
    {
        await TestEngine.RequireAsync();
        var manifest = AppHostRun.WriteManifest("""{ "bottles": { "default": { "image": "claude-bottle-test/no-such-image:1" } }, "agents": { "doomed": {} } }""");

        await using var run = await AppHostRun.StartAsync(manifest);
        await run.WaitAsync("doomed", KnownResourceStates.FailedToStart);

        run.Snapshot("doomed-agent").State!.Text.Should().Be(KnownResourceStates.FailedToStart);
        (await run.WaitForLogAsync("doomed", "failed to start")).Should().Contain("claude-bottle-test/no-such-image:1").And.Contain("could not be pulled");
        (await AppHostRun.ObjectsAsync(run.StateRoot)).Should().BeEmpty();
    }

    [SkippableFact]
    public async Task Without_approval_a_bottle_does_not_start_and_the_log_says_how_to_approve()
    {
        await TestEngine.RequireAsync();
        var agentImage = await TestImages.AgentAsync();
        var manifest = AppHostRun.WriteManifest($$"""{ "bottles": { "default": { "image": "{{agentImage}}" } }, "agents": { "careful": {} } }""");

        // No --yes, and no dashboard to ask in (tests run without one).
        await using var run = await AppHostRun.StartWithoutApprovalAsync(manifest);

        (await run.WaitForLogAsync("careful", "needs approval")).Should().Contain("run with --yes");
        run.Snapshot("careful").State!.Text.Should().Be(KnownResourceStates.NotStarted);
        run.Snapshot("careful-agent").State!.Text.Should().Be(KnownResourceStates.NotStarted);
        (await AppHostRun.ObjectsAsync(run.StateRoot)).Should().BeEmpty();
    }
}
