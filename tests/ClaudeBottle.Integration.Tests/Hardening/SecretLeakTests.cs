using Aspire.Hosting.ApplicationModel;
using ClaudeBottle.Integration.Tests.Docker;
using ClaudeBottle.Integration.Tests.Hosting;
using Docker.DotNet.Models;
using Microsoft.Extensions.DependencyInjection;

namespace ClaudeBottle.Integration.Tests.Hardening;

/// <summary>
/// The agent holds a placeholder of each secret; the edge knows the real values, and a request that carries one (learned
/// some other way), even to an allowlisted host, is refused and logged without the value.
/// </summary>
public sealed class SecretLeakTests
{
    [SkippableFact]
    public async Task The_agent_holds_a_placeholder_and_a_real_value_in_a_url_is_blocked_and_not_logged()
    {
        await TestEngine.RequireAsync();
        var agentImage = await TestImages.AgentAsync();
        var secret = $"sk_live_{Guid.NewGuid():N}{Guid.NewGuid():N}"[..40];
        var manifest = AppHostRun.WriteManifest($$"""
            { "bottles": { "default": { "image": "{{agentImage}}", "env": { "API_KEY": "${LEAK_TEST_KEY}" },
                                        "egress": { "allowlist": ["allowed.upstream.test"] },
                                        "credentials": [ { "host": "allowed.upstream.test", "header": "X-Api-Key", "value": "${LEAK_TEST_KEY}" } ] } },
              "agents": { "leaky": {} } }
            """);
        Environment.SetEnvironmentVariable("LEAK_TEST_KEY", secret);
        AppHostRun run;
        try
        {
            run = await AppHostRun.StartAsync(manifest);
        }
        finally
        {
            Environment.SetEnvironmentVariable("LEAK_TEST_KEY", null);
        }
        await using var scope = new TestScope();
        await using (run)
        {
            await run.WaitAsync("leaky-agent", KnownResourceStates.Running);
            var agent = AppHostRun.Property(run.Snapshot("leaky-agent"), "container.id")!;
            var egress = AppHostRun.Property(run.Snapshot("leaky-proxy"), "container.networks")!.Split(", ").Single(n => n.EndsWith("-egress"));
            var (upstream, _, _) = await scope.StartUpstreamAsync(egress, "allowed.upstream.test");

            string Get(string query) =>
                $"timeout 8 bash -c 'exec 3<>/dev/tcp/edge/8080 && printf \"GET http://allowed.upstream.test:8080/?{query} HTTP/1.1\\r\\nHost: allowed.upstream.test:8080\\r\\nConnection: close\\r\\n\\r\\n\" >&3 && timeout 6 cat <&3'";
            (await scope.ExecAsync(agent, Get("q=harmless"))).Output.Should().Contain(Probes.UpstreamGreeting, "the host itself is allowed");
            // What the agent has is worthless: a placeholder of the same length.
            var held = (await scope.ExecAsync(agent, "printf %s \"$API_KEY\"")).Output;
            held.Should().HaveLength(secret.Length).And.NotBe(secret);
            (await scope.ExecAsync(agent, Get("key=$API_KEY"))).Output.Should().Contain(Probes.UpstreamGreeting, "a placeholder is no secret");
            // The real value, had the agent learned it, goes nowhere.
            var leak = await scope.ExecAsync(agent, Get($"key={secret}"));
            leak.Output.Should().Contain("403").And.Contain("dlp").And.NotContain(Probes.UpstreamGreeting);

            (await run.WaitForLogAsync("leaky-proxy", "real value of one of the bottle's credentials")).Should().NotContain(secret);
            await scope.Client.Containers.RemoveContainerAsync(upstream, new ContainerRemoveParameters { Force = true });

            var loggers = run.App.Services.GetRequiredService<ResourceLoggerService>();
            foreach (var resource in new[] { "leaky", "leaky-agent", "leaky-proxy" })
                await foreach (var batch in loggers.GetAllAsync(resource))
                    batch.Should().NotContain(l => l.Content.Contains(secret));
        }
    }
}
