using System.Diagnostics;
using ClaudeBottle.Integration.Tests.Docker;
using ClaudeBottle.Integration.Tests.Hardening;
using ClaudeBottle.Integration.Tests.Hosting;

namespace ClaudeBottle.Integration.Tests.Publishing;

/// <summary>
/// <c>ClaudeBottle:Publish:Target=swarm</c> through the real app host, then the stack deployed on a two-node swarm of the
/// test's own (<see cref="SwarmCluster"/>), a bottle on each node, and the isolation checked from each agent's place.
/// Exclusive: it puts the machine's engine into a swarm (and out again).
/// </summary>
[Collection(ExclusiveEngine.Name)]
public sealed partial class SwarmStackTests
{
    private static readonly string[] Bottles = ["north", "south"];

    [SkippableFact]
    public async Task The_published_stack_runs_a_bottle_on_each_node_of_a_two_node_swarm_isolated_as_on_one_engine_and_leaves_nothing()
    {
        await TestEngine.RequireAsync();
        var agentImage = await PublishedUpstream.AgentImageAsync();
        string[] images = [agentImage, await TestImages.ProbeAsync(), await TestImages.EdgeAsync(), await TestImages.ProxyAsync()];
        using var outside = new PublishedUpstream("allowed.upstream.test");
        var secret = $"ghp_{Guid.NewGuid():N}";
        var manifest = AppHostRun.WriteManifest($$"""
            { "bottles": { "default": { "image": "{{agentImage}}", "egress": { "allowlist": ["allowed.upstream.test"] },
                                        "credentials": [ { "host": "allowed.upstream.test", "header": "X-Publish-Test", "value": "Token ${PUBLISH_TEST_TOKEN}" } ] } },
              "agents": { "north": {}, "south": {} } }
            """);
        var environment = new Dictionary<string, string>
        {
            ["ClaudeBottle__Publish__Target"] = "swarm", ["ClaudeBottle__ProbeImage"] = images[1], ["ClaudeBottle__EdgeImage"] = images[2],
            ["ClaudeBottle__Pipelock__Image"] = images[3], ["ClaudeBottle__ExtraCaCertificates"] = outside.CaFile, ["PUBLISH_TEST_TOKEN"] = secret,
        };
        var output = Path.Join(manifest, "out");
        await PublishAsync(manifest, output, environment);
        await PublishAsync(manifest, Path.Join(manifest, "again"), environment);
        Tree(Path.Join(manifest, "again")).Should().BeEquivalentTo(Tree(output), "the same inputs give the same bytes");
        var stackFile = File.ReadAllText(Path.Join(output, "docker-stack.yaml"));
        stackFile.Should().Contain("endpoint_mode: \"dnsrr\"").And.Contain("driver: \"overlay\"").And.NotContain("security_opt").And.NotContain("build:");

        var stack = "cbt" + Guid.NewGuid().ToString("N")[..8];
        await using (var cluster = await SwarmCluster.StartAsync())
        {
            await cluster.LoadAsync(images);
            var manager = (await SwarmCluster.MustAsync("docker", "info", "--format", "{{.Swarm.NodeID}}")).Trim();
            var check = Path.Join(output, "check-placement.sh");
            var (unplaced, said) = await SwarmCluster.RunAsync("sh", check);
            unplaced.Should().Be(1, said);
            said.Should().Contain("0 nodes carry the label claude-bottle.north=true").And.Contain("0 nodes carry the label claude-bottle.south=true");
            await SwarmCluster.MustAsync("docker", "node", "update", "--label-add", "claude-bottle.north=true", manager);
            await SwarmCluster.MustAsync("docker", "node", "update", "--label-add", "claude-bottle.south=true", manager);
            await SwarmCluster.MustAsync("docker", "node", "update", "--label-add", "claude-bottle.south=true", cluster.Worker);
            var (spread, spreadSaid) = await SwarmCluster.RunAsync("sh", check);
            spread.Should().Be(1, spreadSaid);
            spreadSaid.Should().Contain("2 nodes carry the label claude-bottle.south=true").And.NotContain("claude-bottle.north=true;");
            await SwarmCluster.MustAsync("docker", "node", "update", "--label-rm", "claude-bottle.south", manager);
            (await SwarmCluster.MustAsync("sh", check)).Should().Contain("each bottle's label is on exactly one node");
            foreach (var bottle in Bottles)
                File.WriteAllText(Path.Join(output, "secrets", $"{bottle}.json"),
                    $$"""{ "secrets": { "CLAUDE_BOTTLE_OAUTH_TOKEN": "sk-ant-oat01-swarm-test", "PUBLISH_TEST_TOKEN": "{{secret}}" } }""");
            Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories).Where(f => !f.Contains("/secrets/", StringComparison.Ordinal))
                .Should().OnlyContain(f => !File.ReadAllText(f).Contains(secret), "a value set when publishing is never written");
            // The test's origin joins each egress overlay, which the stack makes attachable to nothing: the test's copy alone.
            var stackPath = Path.Join(output, "docker-stack.yaml");
            foreach (var bottle in Bottles)
            {
                var egress = $"  {bottle}-egress:\n    driver: \"overlay\"\n";
                stackFile.Should().Contain(egress).And.NotContain("attachable");
                File.WriteAllText(stackPath, File.ReadAllText(stackPath).Replace(egress, egress + "    attachable: true\n", StringComparison.Ordinal));
            }
            try
            {
                await DeployAsync(output, stack);
                var north = new Node(null, stack, "north");
                var south = new Node(cluster, stack, "south");
                foreach (var node in new[] { north, south })
                    await node.WaitForAgentAsync();
                // Each node's host: the manager's engine on the test's network and on docker_gwbridge, the worker's container.
                string[] hostAddresses = [cluster.ManagerAddress, cluster.WorkerAddress,
                    (await SwarmCluster.MustAsync("docker", "network", "inspect", "docker_gwbridge", "--format", "{{(index .IPAM.Config 0).Gateway}}")).Trim()];
                foreach (var (node, other) in new[] { (north, south), (south, north) })
                {
                    (await node.ProbeLogsAsync()).Should().Contain("PROBE OK", "the probe service passed on {0}'s node", node.Bottle);
                    (await node.ExecAsync("test -f /var/lib/claude-bottle-gate/passed && test -s \"$NODE_EXTRA_CA_CERTS\" && echo GATED")).Should().Contain("GATED");
                    (await node.ExecAsync("awk '$2 == \"00000000\"' /proc/net/route | grep -q . || echo NO-DEFAULT-ROUTE")).Should().Contain("NO-DEFAULT-ROUTE");
                    (await node.ExecAsync(Health("edge"))).Should().Contain(" 200 ", "the agent reaches its own edge");
                    (await node.InspectAsync("edge", "{{.HostConfig.PidsLimit}} {{.HostConfig.Memory}} {{json .HostConfig.CapDrop}} {{.HostConfig.ReadonlyRootfs}}"))
                        .Should().Be("128 268435456 [\"ALL\"] true", "the edge keeps its limits and hardening on {0}'s node", node.Bottle);
                    (await node.ExecAsync(Reach(await node.AddressAsync("edge", "internal"), 8080))).Should().Contain("ANSWERED", "the check sees an answer when there is one");
                    foreach (var address in hostAddresses)
                        foreach (var port in new[] { 22, 2375, 2377, 7946 })
                            (await node.ExecAsync(Reach(address, port))).Should().Contain("TRIED").And.NotContain("ANSWERED",
                                "{0}'s agent reaches no node's host ({1}:{2})", node.Bottle, address, port);
                    (await node.ExecAsync(Probes.Resolve("allowed.upstream.test") + " || echo NO-DNS")).Should().Contain("NO-DNS");
                    (await node.ExecAsync("getent hosts pipelock || echo NO-PIPELOCK")).Should().Contain("NO-PIPELOCK");
                    foreach (var (address, port) in new[] { (await other.AddressAsync("edge", "internal"), 8080), (await node.AddressAsync("proxy", "middle"), 8888) })
                        (await node.ExecAsync(Reach(address, port))).Should().Contain("TRIED").And.NotContain("ANSWERED",
                            "{0}'s agent reaches only its own edge ({1}:{2})", node.Bottle, address, port);
                    (await node.ExecAsync("touch /var/lib/claude-bottle-ca/x && echo WROTE; touch /x && echo WROTE")).Should().NotContain("WROTE");
                    // Swarm dropped no-new-privileges; each of ours set it on itself (the children of its container's init).
                    foreach (var role in new[] { "agent", "edge", "agent-probe" })
                        (await node.ExecAsync("for s in /proc/[0-9]*/status; do grep -q '^PPid:\\s*1$' $s && grep NoNewPrivs $s; done; echo LISTED", role))
                            .Should().Contain("NoNewPrivs:\t1").And.NotContain("NoNewPrivs:\t0").And.Contain("LISTED", "{0}'s {1} has no new privileges", node.Bottle, role);
                }
                await TheEdgeChainSetsTheSwarmSecretAsync(north, stack, outside, secret, Placeholder(output, "north"));
                var (joined, refusal) = await SwarmCluster.RunAsync("docker", "run", "--rm", "--network", $"{stack}_north-internal", TestEngine.BaseImage, "true");
                joined.Should().NotBe(0, "no container outside the stack joins a bottle's internal overlay");
                refusal.Should().Contain("attachable");
                // The gate volume keeps the probe's verdict while the probe sleeps: an agent started again passes it again.
                foreach (var node in new[] { north, south })
                {
                    (await node.RestartAgentAsync()).Should().BeTrue("{0}'s restarted agent passed its gate: Claude runs, not the gate", node.Bottle);
                    (await node.ExecAsync(Health("edge"))).Should().Contain(" 200 ", "the restarted agent reaches its edge");
                }
                var services = await SwarmCluster.MustAsync("bash", "-c", $"docker service inspect $(docker service ls -q --filter label=com.docker.stack.namespace={stack})");
                services.Should().NotContain(secret, "the engine's records of the services hold no value");
            }
            finally
            {
                await RemoveAsync(cluster, stack);
            }
            foreach (var engine in new Func<string[], Task<(int Code, string Output)>>[] { args => SwarmCluster.RunAsync("docker", args), cluster.OnWorkerAsync })
            {
                (await engine(["ps", "-aq", "--filter", $"label=com.docker.stack.namespace={stack}"])).Output.Trim().Should().BeEmpty("no container is left");
                (await engine(["network", "ls", "-q", "--filter", $"label=com.docker.stack.namespace={stack}"])).Output.Trim().Should().BeEmpty("no network is left");
                (await engine(["volume", "ls", "-q", "--filter", $"label=com.docker.stack.namespace={stack}"])).Output.Trim().Should().BeEmpty("no volume is left");
            }
            (await SwarmCluster.RunAsync("docker", "service", "ls", "-q", "--filter", $"label=com.docker.stack.namespace={stack}")).Output.Trim().Should().BeEmpty();
            (await SwarmCluster.RunAsync("docker", "secret", "ls", "-q", "--filter", $"label=com.docker.stack.namespace={stack}")).Output.Trim().Should().BeEmpty();
        }
        (await SwarmCluster.MustAsync("docker", "info", "--format", "{{.Swarm.LocalNodeState}}")).Trim().Should().Be("inactive", "the engine is left as found");
        (await SwarmCluster.RunAsync("docker", "ps", "-aq", "--filter", "name=cbt-swarm-")).Output.Trim().Should().BeEmpty("the worker node is gone");
    }

    /// <summary>
    /// The whole chain on the manager's node: the agent's HTTPS request through its edge (trusting the run CA from the
    /// node's volume) and pipelock to the test's origin on the bottle's egress overlay; the edge sets the real value read
    /// from the swarm secret, and the agent sees only its placeholder.
    /// </summary>
    private static async Task TheEdgeChainSetsTheSwarmSecretAsync(Node node, string stack, PublishedUpstream outside, string secret, string placeholder)
    {
        var scope = new TestScope();
        try
        {
            var upstream = await outside.StartAsync(scope, $"{stack}_{node.Bottle}-egress", "allowed.upstream.test", "blocked.upstream.test");
            var answer = await node.ExecAsync(PublishedUpstream.Request("allowed.upstream.test", "/echo"));
            var response = System.Text.Json.Nodes.JsonNode.Parse(answer.Trim().Split('\n')[^1])!;
            response["status"]!.GetValue<int>().Should().Be(200, answer);
            response["issuer"]!.GetValue<string>().Should().Be($"claude-bottle run CA ({node.Bottle})");
            response["body"]!.GetValue<string>().Should().Contain($"Token {placeholder}").And.NotContain(secret);
            (await scope.LogsAsync(upstream.Id)).Should().Contain($"\"X-Publish-Test\": \"Token {secret}\"", "the edge set the value of the swarm secret");
            (await node.ExecAsync(Probes.Get("blocked.upstream.test"))).Should().Contain(" 403 ");
            (await node.ExecAsync(Reach(upstream.EgressAddress, 443))).Should().Contain("TRIED").And.NotContain("ANSWERED", "the agent has no direct way to the origin");
        }
        finally
        {
            await scope.DisposeAsync(); // before the stack goes: the origin is attached to its egress network
        }
    }

    private static string Placeholder(string output, string bottle) =>
        System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Join(output, "edge", $"{bottle}.json")))!["placeholders"]!["PUBLISH_TEST_TOKEN"]!.GetValue<string>();

    [SkippableFact]
    public async Task The_shipped_example_and_each_target_publish_through_the_app_host_and_the_docker_cli_accepts_the_stack()
    {
        await TestEngine.RequireAsync();
        var directory = AppHostRun.WriteManifest(File.ReadAllText(Path.Join(TestImages.RepositoryRoot, "claude-bottle.json")));
        await PublishAsync(directory, Path.Join(directory, "swarm"), new Dictionary<string, string> { ["ClaudeBottle__Publish__Target"] = "swarm" });
        await PublishAsync(directory, Path.Join(directory, "compose"), new Dictionary<string, string>());
        await PublishAsync(directory, Path.Join(directory, "kubernetes"), new Dictionary<string, string> { ["ClaudeBottle__Publish__Target"] = "Kubernetes" });

        File.Exists(Path.Join(directory, "compose", "docker-compose.yaml")).Should().BeTrue("compose stays the default");
        File.Exists(Path.Join(directory, "swarm", "docker-compose.yaml")).Should().BeFalse();
        File.Exists(Path.Join(directory, "kubernetes", "namespaces.yaml")).Should().BeTrue("the option picks the Kubernetes target too");
        File.Exists(Path.Join(directory, "kubernetes", "docker-stack.yaml")).Should().BeFalse();
        var (code, printed) = await SwarmCluster.RunAsync("docker", "stack", "config", "-c", Path.Join(directory, "swarm", "docker-stack.yaml"));
        code.Should().Be(0, printed);
        printed.Should().Contain("hello-agent").And.NotContain("Ignoring unsupported options");
    }

    [SkippableFact]
    public async Task An_unknown_publish_target_stops_the_app_host_naming_the_setting_and_writes_nothing()
    {
        await TestEngine.RequireAsync();
        var directory = AppHostRun.WriteManifest("""{ "agents": { "one": {} } }""");
        var output = Path.Join(directory, "out");

        var (code, printed) = await TryPublishAsync(directory, output, new Dictionary<string, string> { ["ClaudeBottle__Publish__Target"] = "nomad" });

        code.Should().NotBe(0);
        printed.Should().Contain("ClaudeBottle:Publish:Target is 'nomad'").And.Contain("compose, swarm, kubernetes");
        Directory.Exists(output).Should().BeFalse();
    }

    /// <summary>A connection, or a refusal (packets got there and back), is an answer; only silence or no route is not.</summary>
    private static string Reach(string host, int port) =>
        $"out=$(timeout 2 bash -c 'exec 3<>/dev/tcp/{host}/{port}' 2>&1) && echo ANSWERED; case \"$out\" in *refused*) echo ANSWERED ;; esac; echo TRIED";

    private static string Health(string host) =>
        $"timeout 3 bash -c 'exec 3<>/dev/tcp/{host}/8080 && printf \"GET /health HTTP/1.0\\r\\n\\r\\n\" >&3 && head -n 1 <&3'";
}
