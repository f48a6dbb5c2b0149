using Aspire.Hosting.ApplicationModel;
using ClaudeBottle.Integration.Tests.Docker;
using ClaudeBottle.Integration.Tests.Hosting;

namespace ClaudeBottle.Integration.Tests.Hardening;

/// <summary>
/// Fifty bottles at once on one engine with its default settings: a hundred networks, which Docker's default address
/// pools (about thirty networks) could not hold.
/// </summary>
[Collection(ExclusiveEngine.Name)]
public sealed class ScaleTests
{
    [SkippableFact]
    public async Task Fifty_bottles_run_at_once_and_leave_nothing_behind()
    {
        await TestEngine.RequireAsync();
        var agentImage = await TestImages.AgentAsync();
        await TestImages.ProxyAsync();
        var agents = string.Join(", ", Enumerable.Range(1, 50).Select(i => $"\"agent-{i}\": {{}}"));
        var manifest = AppHostRun.WriteManifest($$"""
            { "bottles": { "default": { "image": "{{agentImage}}", "resources": { "memory": "64m", "cpus": 0.1, "pids": 64 } } },
              "agents": { {{agents}} } }
            """);

        string stateRoot;
        var run = await AppHostRun.StartAsync(manifest);
        await using (run)
        {
            stateRoot = run.StateRoot;
            foreach (var i in Enumerable.Range(1, 50))
            {
                var state = await run.WaitAsync($"agent-{i}-agent", KnownResourceStates.Running, KnownResourceStates.FailedToStart);
                if (state.Snapshot.State?.Text == KnownResourceStates.FailedToStart)
                    throw new InvalidOperationException($"agent-{i} failed to start: {await run.WaitForLogAsync($"agent-{i}", "failed")}");
            }
            var objects = await AppHostRun.ObjectsAsync(stateRoot);
            objects.Should().HaveCount(300, "fifty bottles of three containers and three networks");
        }
        (await AppHostRun.ObjectsAsync(stateRoot)).Should().BeEmpty();
    }
}
