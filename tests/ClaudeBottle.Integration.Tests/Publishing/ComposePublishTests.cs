using System.Diagnostics;
using ClaudeBottle.Integration.Tests.Docker;
using ClaudeBottle.Integration.Tests.Hosting;
using ClaudeBottle.Launcher.Runtime;
using Docker.DotNet.Models;

namespace ClaudeBottle.Integration.Tests.Publishing;

/// <summary>
/// <c>--operation publish</c> through the real app host, then the output validated and run by a real compose
/// implementation (Debian's docker-compose), with the offline test images swapped in by an override file, and the
/// same isolation probes as run mode.
/// </summary>
public sealed class ComposePublishTests
{
    [SkippableFact]
    public async Task The_published_deployment_is_reproducible_valid_and_isolates_like_run_mode()
    {
        await TestEngine.RequireAsync();
        await RequireComposeAsync();
        var agentImage = await TestImages.AgentAsync();
        var proxyImage = await TestImages.ProxyAsync();
        var secret = $"ghp_{Guid.NewGuid():N}";
        var manifest = AppHostRun.WriteManifest($$"""
            { "bottles": { "default": { "image": "{{agentImage}}", "env": { "GITHUB_TOKEN": "${PUBLISH_TEST_TOKEN}", "PRICE": "$5" },
                                        "egress": { "allowlist": ["allowed.upstream.test"] } } },
              "agents": { "probe": { "skills": ["skills/review"] } } }
            """);
        Directory.CreateDirectory(Path.Join(manifest, "skills", "review"));
        File.WriteAllText(Path.Join(manifest, "skills", "review", "SKILL.md"), "---\nname: review\n---\nReview.\n");

        var first = Path.Join(manifest, "out1");
        var second = Path.Join(manifest, "out2");
        await PublishAsync(manifest, first, secret);
        await PublishAsync(manifest, second, secret);

        // Reproducible: the same manifest gives the same bytes.
        var files = Tree(first);
        files.Keys.Should().Contain(["docker-compose.yaml", ".env.example", "pipelock/probe.yaml", "skills/probe/review/SKILL.md"]);
        Tree(second).Should().BeEquivalentTo(files);
        files.Values.Should().OnlyContain(content => !content.Contains(secret), "a secret's value is never written");
        var compose = files["docker-compose.yaml"];
        compose.Should().Contain("GITHUB_TOKEN: \"${PUBLISH_TEST_TOKEN}\"").And.Contain("CLAUDE_CODE_OAUTH_TOKEN: \"${CLAUDE_BOTTLE_OAUTH_TOKEN}\"")
            .And.Contain("PRICE: \"$$5\"", "a literal $ is escaped so that compose does not interpolate it");
        files[".env.example"].Should().Contain("CLAUDE_BOTTLE_OAUTH_TOKEN=\n").And.Contain("PUBLISH_TEST_TOKEN=\n");

        // Valid and working in a real compose implementation.
        // What the user does with .env.example: fill it in as .env.
        File.WriteAllText(Path.Join(first, ".env"), files[".env.example"].Replace("PUBLISH_TEST_TOKEN=\n", $"PUBLISH_TEST_TOKEN={secret}\n"));
        File.WriteAllText(Path.Join(first, "override.yaml"),
            $"services:\n  probe-proxy:\n    image: \"{proxyImage}\"\n  probe-agent-probe:\n    image: \"{await TestImages.ProbeAsync()}\"\n");
        await ComposeAsync(first, "config", "-q");
        var project = "cbt" + Guid.NewGuid().ToString("N")[..10];
        var scope = new TestScope();
        try
        {
            await ComposeAsync(first, "-p", project, "-f", "docker-compose.yaml", "-f", "override.yaml", "up", "-d");
            var agent = $"{project}_probe-agent_1";
            var egress = $"{project}_probe-egress";
            // The isolation probe ran, as run mode's does, and passed before the agent was created.
            var probe = await scope.Client.Containers.InspectContainerAsync($"{project}_probe-agent-probe_1");
            probe.State!.ExitCode.Should().Be(0);
            (await scope.LogsAsync(probe.ID)).Should().Contain("PROBE OK");

            var (_, _, upstreamIp) = await scope.StartUpstreamAsync(egress, "allowed.upstream.test", "blocked.upstream.test");

            (await scope.ExecAsync(agent, Probes.Connect("allowed.upstream.test"))).Output.Should().Contain(Probes.UpstreamGreeting);
            (await scope.ExecAsync(agent, Probes.Connect("blocked.upstream.test"))).Output.Should().Contain("403").And.NotContain(Probes.UpstreamGreeting);
            (await scope.ExecAsync(agent, Probes.Tcp(upstreamIp, 8080))).Output.Should().NotContain(Probes.UpstreamGreeting);
            (await scope.ExecAsync(agent, Probes.Resolve("allowed.upstream.test"))).ExitCode.Should().NotBe(0);
            (await scope.ExecAsync(agent, "cat ~/.claude/skills/review/SKILL.md")).Output.Should().Contain("Review.");
            (await scope.ExecAsync(agent, "echo $GITHUB_TOKEN $PRICE")).Output.Should().Contain($"{secret} $5", "compose filled the reference from .env");
        }
        finally
        {
            await scope.DisposeAsync(); // the test's upstream first: it is attached to the deployment's egress network
            await ComposeAsync(first, "-p", project, "-f", "docker-compose.yaml", "-f", "override.yaml", "down", "--remove-orphans");
        }

        using var engine = new DockerContainerEngine();
        (await engine.ListByLabelAsync($"com.docker.compose.project={project}", CancellationToken.None)).Should().BeEmpty("down leaves nothing");
    }

    [SkippableFact]
    public async Task A_deployment_whose_agent_network_has_a_way_out_never_creates_its_agent()
    {
        await TestEngine.RequireAsync();
        await RequireComposeAsync();
        var manifest = AppHostRun.WriteManifest($$"""
            { "bottles": { "default": { "image": "{{await TestImages.AgentAsync()}}" } }, "agents": { "leaky": {} } }
            """);
        var output = Path.Join(manifest, "out");
        await PublishAsync(manifest, output, "unused");
        File.WriteAllText(Path.Join(output, ".env"), "COMPOSE_PROJECT_NAME=claude-bottle\nCLAUDE_BOTTLE_OAUTH_TOKEN=\n");
        // A deployment edited after publishing: its internal network is an ordinary bridge, the host at its gateway.
        File.WriteAllText(Path.Join(output, "override.yaml"), $$"""
            services:
              leaky-proxy:
                image: "{{await TestImages.ProxyAsync()}}"
              leaky-agent-probe:
                image: "{{await TestImages.ProbeAsync()}}"
            networks:
              leaky-internal:
                internal: false
                driver_opts:
                  com.docker.network.bridge.inhibit_ipv4: "false"
            """);
        var project = "cbt" + Guid.NewGuid().ToString("N")[..10];
        string[] files = ["-p", project, "-f", "docker-compose.yaml", "-f", "override.yaml"];
        try
        {
            var (code, printed) = await TryComposeAsync(output, [.. files, "up", "-d"]);

            code.Should().NotBe(0, "up fails when the probe does: {0}", printed);
            using var client = TestEngine.CreateClient();
            var probe = await client.Containers.InspectContainerAsync($"{project}_leaky-agent-probe_1");
            probe.State!.ExitCode.Should().NotBe(0);
            using (var logs = await client.Containers.GetContainerLogsAsync(probe.ID, new ContainerLogsParameters { ShowStdout = true, ShowStderr = true }))
                (await logs.ReadOutputToEndAsync(CancellationToken.None)).stdout.Should().Contain("answered: the bottle reaches it directly");
            var containers = await client.Containers.ListContainersAsync(new ContainersListParameters
            {
                All = true,
                Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"com.docker.compose.project={project}"] = true } },
            });
            containers.Should().NotContain(c => c.Names.Any(n => n.Contains("leaky-agent_", StringComparison.Ordinal)), "the agent is never created");
        }
        finally
        {
            await ComposeAsync(output, [.. files, "down", "--remove-orphans"]);
        }
    }

    [SkippableFact]
    public async Task Aspire_s_own_manifest_has_no_errors_for_the_bottle_resources()
    {
        await TestEngine.RequireAsync();
        var manifest = AppHostRun.WriteManifest("""{ "agents": { "one": {}, "two": { "prompt": "hi" } } }""");
        var output = Path.Join(manifest, "aspire-manifest.json");

        await PublishAsync(manifest, output, "unused", "--publisher", "manifest");

        var written = File.ReadAllText(output);
        written.Should().Contain("\"resources\"");
        written.Should().NotContain("\"error\"", "custom resources are excluded from Aspire's manifest");
    }

    private static async Task PublishAsync(string manifestDirectory, string output, string secret, params string[] publisher)
    {
        string[] args = publisher.Length > 0 ? [.. publisher, "--output-path", output] : ["--operation", "publish", "--step", "publish", "--output-path", output];
        var start = new ProcessStartInfo(Path.Join(AppContext.BaseDirectory, "ClaudeBottle.AppHost"),
            ["--manifest", Path.Join(manifestDirectory, "claude-bottle.json"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = manifestDirectory,
        };
        start.Environment["PUBLISH_TEST_TOKEN"] = secret;
        start.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        process.ExitCode.Should().Be(0, "publish printed:\n{0}{1}", await stdout, await stderr);
        (await stdout + await stderr).Should().NotContain(secret);
    }

    private static async Task ComposeAsync(string directory, params string[] args)
    {
        var (code, printed) = await TryComposeAsync(directory, args);
        code.Should().Be(0, "docker-compose {0} printed:\n{1}", string.Join(' ', args), printed);
    }

    private static async Task<(int Code, string Printed)> TryComposeAsync(string directory, params string[] args)
    {
        var start = new ProcessStartInfo("docker-compose", args) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    private static Dictionary<string, string> Tree(string directory) =>
        Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(directory, f).Replace('\\', '/'), File.ReadAllText);

    private static async Task RequireComposeAsync()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("docker-compose", ["version"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            await process.WaitForExitAsync();
            if (process.ExitCode == 0)
                return;
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }
        if (TestEngine.UnderCi)
            throw new InvalidOperationException("CI is set, so the compose tests must run, but docker-compose is not installed");
        Skip.If(true, "docker-compose is not installed (apt-get install docker-compose)");
    }
}
