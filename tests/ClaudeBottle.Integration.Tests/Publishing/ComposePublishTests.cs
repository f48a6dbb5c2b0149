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
public sealed partial class ComposePublishTests
{
    [SkippableFact]
    public async Task The_published_deployment_is_reproducible_holds_no_value_and_runs_the_edge_chain_from_the_operator_s_secrets_file()
    {
        await TestEngine.RequireAsync();
        await RequireComposeAsync();
        var agentImage = await PublishedUpstream.AgentImageAsync();
        using var outside = new PublishedUpstream("allowed.upstream.test");
        var secret = $"ghp_{Guid.NewGuid():N}";
        var claudeSecret = $"sk-ant-oat01-{Guid.NewGuid():N}{Guid.NewGuid():N}";
        var manifest = AppHostRun.WriteManifest($$"""
            { "bottles": { "default": { "image": "{{agentImage}}", "env": { "GITHUB_TOKEN": "${PUBLISH_TEST_TOKEN}", "PRICE": "$5" },
                                        "egress": { "allowlist": ["allowed.upstream.test"] },
                                        "credentials": [ { "host": "allowed.upstream.test", "header": "X-Publish-Test", "value": "Token ${PUBLISH_TEST_TOKEN}" } ] } },
              "agents": { "probe": { "skills": ["skills/review"] } } }
            """);
        Directory.CreateDirectory(Path.Join(manifest, "skills", "review"));
        File.WriteAllText(Path.Join(manifest, "skills", "review", "SKILL.md"), "---\nname: review\n---\nReview.\n");

        var first = Path.Join(manifest, "out1");
        var second = Path.Join(manifest, "out2");
        var environment = new Dictionary<string, string>
        {
            ["PUBLISH_TEST_TOKEN"] = secret, ["CLAUDE_BOTTLE_OAUTH_TOKEN"] = claudeSecret, ["ClaudeBottle__ExtraCaCertificates"] = outside.CaFile,
        };
        await PublishAsync(manifest, first, environment);
        await PublishAsync(manifest, second, environment);

        // Reproducible: the placeholders and the scan API's token are derived, not drawn.
        var files = Tree(first);
        files.Keys.Should().Contain(["docker-compose.yaml", ".env.example", "pipelock/probe.yaml", "edge/probe.json", "secrets/probe.json.example",
            "secrets/.gitignore", "images/edge/Dockerfile", "ca/extra-ca-certificates.crt", "skills/probe/review/SKILL.md"]);
        Tree(second).Should().BeEquivalentTo(files);
        files.Values.Should().OnlyContain(content => !content.Contains(secret) && !content.Contains(claudeSecret), "a secret's value is never written");
        var placeholder = Drawn(first).Placeholders["PUBLISH_TEST_TOKEN"];
        var compose = files["docker-compose.yaml"];
        compose.Should().Contain($"GITHUB_TOKEN: \"{placeholder}\"").And.Contain("PRICE: \"$$5\"", "a literal $ is escaped so that compose does not interpolate it");
        files[".env.example"].Should().Contain("COMPOSE_PROJECT_NAME=claude-bottle\n").And.NotContain("TOKEN");

        // What the operator does: .env from its example, the secrets file from its example, readable by the edge's uid alone.
        File.WriteAllText(Path.Join(first, ".env"), files[".env.example"]);
        var secrets = Path.Join(first, "secrets", "probe.json");
        File.WriteAllText(secrets, files["secrets/probe.json.example"]
            .Replace("\"CLAUDE_BOTTLE_OAUTH_TOKEN\": \"\"", $"\"CLAUDE_BOTTLE_OAUTH_TOKEN\": \"{claudeSecret}\"", StringComparison.Ordinal)
            .Replace("\"PUBLISH_TEST_TOKEN\": \"\"", $"\"PUBLISH_TEST_TOKEN\": \"{secret}\"", StringComparison.Ordinal));
        await GiveToEdgeAsync(secrets);
        File.WriteAllText(Path.Join(first, "override.yaml"), await OverrideAsync("probe"));
        await ComposeAsync(first, "config", "-q");
        var project = "cbt" + Guid.NewGuid().ToString("N")[..10];
        var scope = new TestScope();
        try
        {
            await ComposeAsync(first, "-p", project, "-f", "docker-compose.yaml", "-f", "override.yaml", "up", "-d");
            var agent = $"{project}_probe-agent_1";
            // The isolation probe ran, as run mode's does, and passed before the agent was created.
            var probe = await scope.Client.Containers.InspectContainerAsync($"{project}_probe-agent-probe_1");
            probe.State!.ExitCode.Should().Be(0);
            (await scope.LogsAsync(probe.ID)).Should().Contain("PROBE OK");
            // The edge had no stdin: it read the secrets file, and listens.
            var edge = await scope.Client.Containers.InspectContainerAsync($"{project}_probe-edge_1");
            edge.State!.Running.Should().BeTrue(await scope.LogsAsync(edge.ID));
            (await scope.LogsAsync(edge.ID)).Should().Contain("\"event\":\"listening\"");

            var upstream = await outside.StartAsync(scope, $"{project}_probe-egress", "allowed.upstream.test", "blocked.upstream.test");
            // HTTPS through the edge, the agent trusting the run CA from the edge's volume, the edge the test's CA.
            var (_, answer) = await scope.ExecAsync(agent, PublishedUpstream.Request("allowed.upstream.test", "/echo"));
            var response = System.Text.Json.Nodes.JsonNode.Parse(answer.Trim().Split('\n')[^1])!;
            response["status"]!.GetValue<int>().Should().Be(200, answer);
            response["issuer"]!.GetValue<string>().Should().Be("claude-bottle run CA (probe)");
            response["body"]!.GetValue<string>().Should().Contain($"Token {placeholder}", "the edge puts the echoed value back as the placeholder")
                .And.NotContain(secret);
            (await scope.LogsAsync(upstream.Id)).Should().Contain($"\"X-Publish-Test\": \"Token {secret}\"", "the edge set the real value, read from the secrets file");
            (await scope.ExecAsync(agent, Probes.Get("blocked.upstream.test"))).Output.Should().Contain(" 403 ").And.NotContain("X-Publish-Test");
            (await scope.ExecAsync(agent, Probes.Tcp(upstream.EgressAddress, 443) + " && echo REACHED")).Output.Should().NotContain("REACHED");
            // pipelock's address, which compose's probe cannot know, stays silent from the agent's place.
            var pipelock = await scope.Client.Containers.InspectContainerAsync($"{project}_probe-proxy_1");
            var pipelockAddress = pipelock.NetworkSettings!.Networks[$"{project}_probe-middle"].IPAddress;
            foreach (var port in new[] { 8888, 9090 })
                (await scope.ExecAsync(agent, Probes.Tcp(pipelockAddress, port) + " && echo REACHED")).Output.Should().NotContain("REACHED");
            (await scope.ExecAsync(agent, Probes.Resolve("allowed.upstream.test"))).ExitCode.Should().NotBe(0);
            (await scope.ExecAsync(agent, "cat ~/.claude/skills/review/SKILL.md")).Output.Should().Contain("Review.");
            (await scope.ExecAsync(agent, "echo $GITHUB_TOKEN $PRICE")).Output.Should().Contain($"{placeholder} $5");
            (await scope.ExecAsync(agent, "head -n 1 \"$NODE_EXTRA_CA_CERTS\"; touch /var/lib/claude-bottle-ca/x && echo WROTE")).Output
                .Should().Contain("-----BEGIN CERTIFICATE-----").And.NotContain("WROTE", "the agent mounts the edge's volume read-only");
            foreach (var container in new[] { agent, edge.ID, pipelock.ID, probe.ID })
            {
                var inspected = System.Text.Json.JsonSerializer.Serialize(await scope.Client.Containers.InspectContainerAsync(container));
                inspected.Should().NotContain(secret).And.NotContain(claudeSecret, "the engine's records of {0} hold no value", container);
            }
        }
        finally
        {
            await scope.DisposeAsync(); // the test's upstream first: it is attached to the deployment's egress network
            await ComposeAsync(first, "-p", project, "-f", "docker-compose.yaml", "-f", "override.yaml", "down", "-v", "--remove-orphans");
        }

        using var engine = new DockerContainerEngine();
        (await engine.ListByLabelAsync($"com.docker.compose.project={project}", CancellationToken.None)).Should().BeEmpty("down leaves nothing");

        // Publishing again into the same folder replaces the publisher's files and keeps the operator's.
        File.WriteAllText(Path.Join(first, "edge", "probe.json"), "{}");
        await PublishAsync(manifest, first, environment);
        File.ReadAllText(secrets).Should().Contain(secret, "the operator's secrets file stays");
        File.Exists(Path.Join(first, ".env")).Should().BeTrue();
        File.GetUnixFileMode(Path.Join(first, "secrets")).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.ReadAllText(Path.Join(first, "edge", "probe.json")).Should().Be(files["edge/probe.json"], "the publisher's own files are written again");
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
        await PublishAsync(manifest, output, Unused);
        File.WriteAllText(Path.Join(output, ".env"), "COMPOSE_PROJECT_NAME=claude-bottle\n");
        File.WriteAllText(Path.Join(output, "secrets", "leaky.json"), """{ "secrets": { "CLAUDE_BOTTLE_OAUTH_TOKEN": "unused" } }""");
        await GiveToEdgeAsync(Path.Join(output, "secrets", "leaky.json"));
        // A deployment edited after publishing: its internal network is an ordinary bridge, the host at its gateway.
        File.WriteAllText(Path.Join(output, "override.yaml"), await OverrideAsync("leaky") + """
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
            await ComposeAsync(output, [.. files, "down", "-v", "--remove-orphans"]);
        }
    }

    [SkippableFact]
    public async Task A_deployment_whose_secrets_file_was_not_filled_in_never_creates_its_agent()
    {
        await TestEngine.RequireAsync();
        await RequireComposeAsync();
        var manifest = AppHostRun.WriteManifest($$"""
            { "bottles": { "default": { "image": "{{await TestImages.AgentAsync()}}" } }, "agents": { "unfilled": {} } }
            """);
        var output = Path.Join(manifest, "out");
        await PublishAsync(manifest, output, Unused);
        File.WriteAllText(Path.Join(output, "override.yaml"), await OverrideAsync("unfilled"));
        var project = "cbt" + Guid.NewGuid().ToString("N")[..10];
        string[] files = ["-p", project, "-f", "docker-compose.yaml", "-f", "override.yaml"];
        try
        {
            var (code, printed) = await TryComposeAsync(output, [.. files, "up", "-d"]);

            code.Should().NotBe(0, "no edge without its secrets: {0}", printed);
            printed.Should().Contain("secrets/unfilled.json");
            using var client = TestEngine.CreateClient();
            var containers = await client.Containers.ListContainersAsync(new ContainersListParameters
            {
                All = true,
                Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"com.docker.compose.project={project}"] = true } },
            });
            containers.Should().NotContain(c => c.Names.Any(n => n.Contains("unfilled-agent", StringComparison.Ordinal)), "the agent is never created");
        }
        finally
        {
            await ComposeAsync(output, [.. files, "down", "-v", "--remove-orphans"]);
        }
    }

    [SkippableFact]
    public async Task Aspire_s_own_manifest_has_no_errors_for_the_bottle_resources()
    {
        await TestEngine.RequireAsync();
        var manifest = AppHostRun.WriteManifest("""{ "agents": { "one": {}, "two": { "prompt": "hi" } } }""");
        var output = Path.Join(manifest, "aspire-manifest.json");

        await PublishAsync(manifest, output, Unused, "--publisher", "manifest");

        var written = File.ReadAllText(output);
        written.Should().Contain("\"resources\"");
        written.Should().NotContain("\"error\"", "custom resources are excluded from Aspire's manifest");
    }
}
