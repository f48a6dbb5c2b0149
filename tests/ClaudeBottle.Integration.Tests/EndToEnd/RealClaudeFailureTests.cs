using Aspire.Hosting.ApplicationModel;
using ClaudeBottle.Integration.Tests.Docker;
using ClaudeBottle.Integration.Tests.Hosting;

namespace ClaudeBottle.Integration.Tests.EndToEnd;

/// <summary>
/// When the real Claude cannot work, the console says why and the agent's state says that it failed: an error from
/// the API, and an API host that the bottle's allowlist does not let through.
/// </summary>
public sealed class RealClaudeFailureTests
{
    [SkippableFact]
    public async Task An_api_error_a_refused_host_and_a_prompt_starting_with_a_dash_each_end_as_the_console_explains()
    {
        await TestEngine.RequireAsync();
        // Two bottles of one run: one whose API answers with an error, one pointed at a gateway nobody allowlisted.
        var manifest = AppHostRun.WriteManifest("""
            { "agents": {
                "rejected": { "prompt": "Summarise the workspace (REJECT-ME)" },
                "dashed": { "prompt": "--help is what I need (DASHED)" },
                "gatewayed": { "prompt": "Summarise the workspace",
                               "env": { "ANTHROPIC_BASE_URL": "https://llm-gateway.unlisted.test", "CLAUDE_CODE_MAX_RETRIES": "1" } } } }
            """);
        var script = Api.Script(Api.Fail(400, "invalid_request_error", "The stand-in refuses this request", match: "REJECT-ME"),
            Api.Say("Taken as a prompt.", match: "--help is what I need (DASHED)"));

        await using var scope = new TestScope();
        var (run, api) = await RealClaude.StartAsync(scope, manifest, script);
        await using (api)
        await using (run)
        {
            var (rejected, console) = await RealClaude.EndAsync(run, "rejected-agent");
            rejected.Should().Be(1, "an API error fails Claude's run; its console:\n{0}", console);
            console.Should().Contain("The stand-in refuses this request").And.Contain("failed (API error 400)").And.Contain("Agent exited with code 1");
            (await api.MessagesAsync()).Should().ContainSingle(m => m["body"]!.ToJsonString().Contains("REJECT-ME"), "a 400 is not retried");

            // A prompt that begins with "-" is a prompt, not an option Claude refuses.
            var (dashed, dashedConsole) = await RealClaude.EndAsync(run, "dashed-agent");
            dashed.Should().Be(0, "its console:\n{0}", dashedConsole);
            dashedConsole.Should().Contain("assistant: Taken as a prompt.");

            var (gatewayed, gatewayedConsole) = await RealClaude.EndAsync(run, "gatewayed-agent");
            gatewayed.Should().NotBe(0, "Claude cannot reach its API; its console:\n{0}", gatewayedConsole);
            gatewayedConsole.Should().Contain("failed (").And.Contain("Agent exited with code");
            gatewayedConsole.Should().Contain("ERR_PROXY_TUNNEL", "Claude says the proxy refused");
            gatewayedConsole.Should().Contain("The bottle's proxy refused llm-gateway.unlisted.test:443")
                .And.Contain("add \"llm-gateway.unlisted.test\" to bottles.default.egress.allowlist", "the console names the host and the fix");
            (await RealClaude.ConsoleAsync(run, "gatewayed-proxy")).Should().Contain("llm-gateway.unlisted.test");
            (await api.MessagesAsync()).Should().NotContain(m => m["body"]!.ToJsonString().Contains("Summarise the workspace\""), "nothing reached any API from that bottle");
        }
    }
}
