#pragma warning disable ASPIREINTERACTION001 // Command arguments are part of Aspire's interaction API, marked for evaluation.
using System.Text.Json.Nodes;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using ClaudeBottle.Integration.Tests.Docker;
using ClaudeBottle.Integration.Tests.Publishing;
using ClaudeBottle.Launcher.Hosting;
using ClaudeBottle.Launcher.Runtime;

namespace ClaudeBottle.Integration.Tests.Hosting;

/// <summary>
/// A host the bottle's proxies refuse becomes reachable through the bottle's "Allow a blocked host" command, once the
/// person confirms it, with nothing restarted: the same containers, started at the same times.
/// </summary>
public sealed class LiveAllowTests
{
    private const string Declared = "echo.upstream.test";
    private const string Late = "late.upstream.test";          // outside the run CA's names: relayed unopened
    private const string Deep = "deep.echo.upstream.test";     // under the allowlisted name: still inspected
    private const string Never = "never.upstream.test";

    [SkippableFact]
    public async Task A_refused_host_is_reachable_after_the_allow_command_with_no_container_restarted()
    {
        await TestEngine.RequireAsync();
        var agentImage = await PublishedUpstream.AgentImageAsync();
        using var upstream = new PublishedUpstream(Declared, Late, Deep);
        var manifest = AppHostRun.WriteManifest($$"""
            { "bottles": { "default": { "image": "{{agentImage}}", "egress": { "allowlist": ["{{Declared}}"] } } },
              "agents": { "lively": {} } }
            """);
        DashboardConfirmation person = null!;
        await using var scope = new TestScope();
        await using var run = await AppHostRun.StartWithServicesAsync(manifest, services => person = DashboardConfirmation.Install(services),
            $"--ClaudeBottle:ExtraCaCertificates={upstream.CaFile}");
        await run.WaitAsync("lively-agent", KnownResourceStates.Running);
        var agent = AppHostRun.Property(run.Snapshot("lively-agent"), "container.id")!;
        var egress = AppHostRun.Property(run.Snapshot("lively-proxy"), "container.networks")!.Split(", ").Single(n => n.EndsWith("-egress"));
        await upstream.StartAsync(scope, egress, Declared, Late, Deep, Never);
        var before = await ContainersAsync(run, scope);
        async Task<JsonNode> Request(string host)
        {
            var (_, output) = await scope.ExecAsync(agent, PublishedUpstream.Request(host, "/hello"));
            return JsonNode.Parse(output.Trim().Split('\n')[^1])!;
        }
        async Task<ExecuteCommandResult> Allow(string host)
        {
            using var cts = new CancellationTokenSource(AppHostRun.Timeout);
            return await run.App.ResourceCommands.ExecuteCommandAsync("lively", LiveAllowCommand.Name,
                new InteractionInputCollection([new InteractionInput { Name = LiveAllowCommand.HostArgument, InputType = InputType.Choice, AllowCustomChoice = true, Value = host }]),
                cts.Token);
        }

        // The origin was only just started: the allowlisted host answers once it listens.
        var declared = await Request(Declared);
        for (var tries = 0; declared["status"]!.GetValue<int>() != 200 && tries < 30; tries++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            declared = await Request(Declared);
        }
        declared["status"]!.GetValue<int>().Should().Be(200, declared.ToJsonString());
        foreach (var host in new[] { Late, Deep })
            (await Request(host))["error"]!.GetValue<string>().Should().Contain("403", "{0} is not in the allowlist", host);
        await WaitForPropertyAsync(run, "egress.blocked", v => v.Contains(Late) && v.Contains(Deep));

        // Declined (the app host runs with --yes, which approves plans, never this): nothing changes.
        person.Answer = false;
        (await Allow(Late)).Success.Should().BeFalse();
        person.Asked.Should().ContainSingle().Which.Title.Should().Contain(Late);
        (await Request(Late))["error"]!.GetValue<string>().Should().Contain("403");
        // Only a host the proxy refused in this run; the confirmation is not even asked for another.
        person.Answer = true;
        var never = await Allow(Never);
        never.Success.Should().BeFalse();
        never.Message.Should().Contain("was not refused").And.Contain(Late);
        person.Asked.Should().HaveCount(1);

        var allowed = await Allow(Late);
        allowed.Success.Should().BeTrue(allowed.Message);
        allowed.Message.Should().Contain($"$.bottles.default.egress.allowlist: \"egress\": {{ \"allowlist\": [\"{Declared}\", \"{Late}\"] }}");
        person.Asked[^1].Message.Should().Contain(Late).And.Contain("unopened");
        (await run.WaitForLogAsync("lively-proxy", "\"event\":\"allowed_live\"")).Should().Contain(Late);
        (await run.WaitForLogAsync("lively-proxy", "\"event\":\"config_reload\"")).Should().Contain(Late, "pipelock read its file again");
        var late = await Request(Late);
        late["status"]!.GetValue<int>().Should().Be(200, late.ToJsonString());
        late["issuer"]!.GetValue<string>().Should().Be("claude-bottle publish tests CA", "the run CA may not sign for it: the edge relays it unopened");

        (await Allow(Deep)).Success.Should().BeTrue();
        person.Asked[^1].Message.Should().Contain(Deep).And.Contain("still inspects");
        await WaitForPropertyAsync(run, "egress.allowed-live", v => v == $"{Deep}, {Late}");
        var deep = await Request(Deep);
        deep["status"]!.GetValue<int>().Should().Be(200, deep.ToJsonString());
        deep["issuer"]!.GetValue<string>().Should().StartWith("claude-bottle run CA", "under an allowlisted name the edge still opens the TLS");
        (await Request(Never))["error"]!.GetValue<string>().Should().Contain("403", "nothing else was allowed");

        (await ContainersAsync(run, scope)).Should().Equal(before, "no container was restarted or replaced");
    }

    /// <summary>Each container of the run: id, start time and restart count.</summary>
    private static async Task<List<string>> ContainersAsync(AppHostRun run, TestScope scope)
    {
        var all = new List<string>();
        foreach (var container in (await AppHostRun.ObjectsAsync(run.StateRoot)).Where(o => o.Kind == LabelledKind.Container).OrderBy(o => o.Id))
        {
            var inspected = await scope.Client.Containers.InspectContainerAsync(container.Id);
            if (inspected.State!.Running)
                all.Add($"{inspected.Name} {inspected.ID} {inspected.State.StartedAt} {inspected.RestartCount}");
        }
        return all;
    }

    private static async Task WaitForPropertyAsync(AppHostRun run, string property, Func<string, bool> holds)
    {
        using var cts = new CancellationTokenSource(AppHostRun.Timeout);
        await run.App.ResourceNotifications.WaitForResourceAsync("lively",
            e => AppHostRun.Property(e.Snapshot, property) is { } value && holds(value), cts.Token);
    }
}
