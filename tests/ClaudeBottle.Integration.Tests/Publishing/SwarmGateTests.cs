using ClaudeBottle.Integration.Tests.Docker;
using ClaudeBottle.Launcher.Publishing;
using ClaudeBottle.Launcher.Resolution;

namespace ClaudeBottle.Integration.Tests.Publishing;

/// <summary>
/// The agent's entry point in a swarm stack (<see cref="SwarmGate.StartScript"/>), run in a container of the base
/// image with its gate open: swarm drops <c>no-new-privileges</c>, so the script sets it on what it starts, and an
/// image that cannot set it does not start the agent at all.
/// </summary>
public sealed class SwarmGateTests
{
    private static string Opened(string then) =>
        $"mkdir -p {Path.GetDirectoryName(SwarmGate.Passed)} {Path.GetDirectoryName(AgentLayout.AgentCaFile)} {Path.GetDirectoryName(AgentLayout.CaBundleFile)}" +
        $" && : > {SwarmGate.Passed} && echo ca > {AgentLayout.AgentCaFile} && echo ca > {AgentLayout.CaBundleFile}" +
        $" && echo {Convert.ToBase64String(SwarmGate.StartScript)} | base64 -d > /tmp/agent-start.sh && {then}";

    [SkippableFact]
    public async Task The_agent_runs_with_no_new_privileges_and_an_image_without_setpriv_runs_nothing()
    {
        await TestEngine.RequireAsync();
        await using var scope = new TestScope();
        var network = await scope.CreateNetworkAsync("gate", isInternal: true);

        var (code, output) = await scope.RunAsync("nnp", network,
            Opened("grep NoNewPrivs /proc/self/status; sh /tmp/agent-start.sh grep NoNewPrivs /proc/self/status"), TimeSpan.FromSeconds(60));
        code.Should().Be(0, output);
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Should().Equal(["NoNewPrivs:\t0", "NoNewPrivs:\t1"], "the container has none (as under swarm), what the script starts has it");

        (code, output) = await scope.RunAsync("no-setpriv", network, Opened("rm /usr/bin/setpriv && sh /tmp/agent-start.sh echo AGENT-RAN"), TimeSpan.FromSeconds(60));
        code.Should().Be(1, output);
        output.Should().Contain("the agent image has no setpriv (util-linux)").And.NotContain("AGENT-RAN");
    }
}
