using System.Text;
using System.Text.Json.Nodes;
using Aspire.Hosting.ApplicationModel;
using ClaudeBottle.Integration.Tests.Docker;
using ClaudeBottle.Integration.Tests.Publishing;
using ClaudeBottle.Launcher.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace ClaudeBottle.Integration.Tests.Hosting;

/// <summary>
/// A bottle with a credential and a rule, run by the app host, against an HTTPS upstream of the test's own CA: the real
/// value reaches the declared host only, the agent holds and can find nothing but the placeholder, the engine records
/// no value anywhere, and what the rule refuses is refused and named in the dashboard.
/// </summary>
public sealed class EdgeRunTests
{
    private const string Declared = "echo.upstream.test";
    private const string Other = "other.upstream.test";

    [SkippableFact]
    public async Task The_real_credential_goes_to_its_host_alone_and_the_agent_holds_only_a_placeholder()
    {
        await TestEngine.RequireAsync();
        var agentImage = await PublishedUpstream.AgentImageAsync();
        using var upstream = new PublishedUpstream(Declared, Other);
        // Shaped like a GitHub token, so that the scan API would catch it anywhere the edge did not take it out first.
        var real = "ghp_" + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + "abcd";
        var manifest = AppHostRun.WriteManifest($$"""
            { "bottles": { "default": { "image": "{{agentImage}}", "env": { "API_KEY": "${EDGE_RUN_KEY}" },
                "egress": { "allowlist": ["{{Declared}}", "{{Other}}"],
                            "rules": [ { "host": "{{Declared}}", "methods": ["GET"], "deny": ["/admin"] } ] },
                "credentials": [ { "host": "{{Declared}}", "header": "Authorization", "value": "Bearer ${EDGE_RUN_KEY}" } ] } },
              "agents": { "edgy": {} } }
            """);
        Environment.SetEnvironmentVariable("EDGE_RUN_KEY", real);
        AppHostRun run;
        try
        {
            run = await AppHostRun.StartAsync(manifest, null, $"--ClaudeBottle:ExtraCaCertificates={upstream.CaFile}");
        }
        finally
        {
            Environment.SetEnvironmentVariable("EDGE_RUN_KEY", null);
        }
        await using var scope = new TestScope();
        await using (run)
        {
            await run.WaitAsync("edgy-agent", KnownResourceStates.Running);
            var agent = AppHostRun.Property(run.Snapshot("edgy-agent"), "container.id")!;
            var egress = AppHostRun.Property(run.Snapshot("edgy-proxy"), "container.networks")!.Split(", ").Single(n => n.EndsWith("-egress"));
            var (origin, _) = await upstream.StartAsync(scope, egress, Declared, Other);
            async Task<JsonNode> Request(string host, string path, string method = "GET", JsonObject? headers = null)
            {
                var spec = new JsonObject { ["host"] = host, ["path"] = path, ["method"] = method, ["headers"] = headers ?? [] }.ToJsonString();
                var (_, output) = await scope.ExecAsync(agent, $"python3 - '{spec}' <<'CLIENT'\n{Images.EdgeScripts.Client}\nCLIENT");
                return JsonNode.Parse(output.Trim().Split('\n')[^1])!;
            }
            async Task<List<JsonNode>> Received() => [.. (await scope.LogsAsync(origin)).Split('\n').Where(l => l.StartsWith('{')).Select(l => JsonNode.Parse(l)!)];

            // The agent holds a placeholder of the same shape; it sends it to both hosts.
            var placeholder = (await scope.ExecAsync(agent, "printf %s \"$API_KEY\"")).Output;
            placeholder.Should().StartWith("ghp_").And.HaveLength(real.Length).And.NotBe(real);
            var sent = new JsonObject { ["Authorization"] = "Bearer " + placeholder };
            var declared = await Request(Declared, "/hello", headers: sent);
            var other = await Request(Other, "/hello", headers: (JsonObject)sent.DeepClone());

            declared["status"]!.GetValue<int>().Should().Be(200, declared.ToJsonString());
            declared["issuer"]!.GetValue<string>().Should().StartWith("claude-bottle run CA", "the edge terminated the agent's TLS");
            other["status"]!.GetValue<int>().Should().Be(200, other.ToJsonString());
            var received = await Received();
            received.Single(r => (string?)r["headers"]!["Host"] == Declared)["headers"]!["Authorization"]!.GetValue<string>()
                .Should().Be("Bearer " + real, "the edge sets the real value on the declared host");
            received.Single(r => (string?)r["headers"]!["Host"] == Other)["headers"]!["Authorization"]!.GetValue<string>()
                .Should().Be("Bearer " + placeholder, "no other host gets it");
            // The origin echoes what it received: the agent reads it back as the placeholder.
            declared["body"]!.GetValue<string>().Should().Contain(placeholder).And.NotContain(real);

            // The rule: GET only, nothing under /admin. Refused at the edge; the origin never sees them.
            var post = await Request(Declared, "/hello", "POST");
            post["status"]!.GetValue<int>().Should().Be(403);
            post["body"]!.GetValue<string>().Should().Contain("bottles.default.egress.rules[0]");
            (await Request(Declared, "/admin/users"))["status"]!.GetValue<int>().Should().Be(403);
            (await Received()).Should().HaveCount(2, "the origin saw only the two allowed requests");

            // What leaves is scanned: a secret-shaped value in a body to an allowed host is refused by pipelock's DLP.
            var leak = await Request(Other, "/upload", "POST", new JsonObject { ["X-Note"] = "AKIA" + "ABCDEFGHIJKLMNOP" });
            leak["status"]!.GetValue<int>().Should().Be(403, leak.ToJsonString());
            leak["body"]!.GetValue<string>().Should().Contain("dlp");
            // What comes back is scanned: a page with an injection phrase from an ordinary host is blocked.
            var injected = await Request(Other, "/inject");
            injected["status"]!.GetValue<int>().Should().Be(403, injected.ToJsonString());
            injected["body"]!.GetValue<string>().Should().Contain("prompt_injection").And.NotContain("ignore all previous instructions");
            (await run.WaitForLogAsync("edgy-proxy", "\"scanner\":\"prompt_injection\"")).Should().Contain("\"event\":\"blocked\"");
            // The dashboard: the proxy's console has the decision with its rule, the agent's console names the rule.
            (await run.WaitForLogAsync("edgy-proxy", "\"rule\":\"bottles.default.egress.rules[0]\"")).Should().Contain("\"event\":\"blocked\"");
            (await run.WaitForLogAsync("edgy-agent", "refused by bottles.default.egress.rules[0]")).Should().Contain(Declared);

            // Inside the agent: no file, no process environment and no command line holds the real value. The value is
            // handed to the search reversed and encoded, so that the search's own command line does not hold it.
            var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(new string(real.Reverse().ToArray())));
            var (_, found) = await scope.ExecAsync(agent, $"python3 - '{encoded}' <<'SEARCH'\n{Search}\nSEARCH");
            found.Trim().Should().Be("searched, found nothing", "the agent holds the value nowhere");

            // The engine's records of every container of the run hold no value, and neither does any console.
            using (var client = TestEngine.CreateClient())
                foreach (var container in (await AppHostRun.ObjectsAsync(run.StateRoot)).Where(o => o.Kind == LabelledKind.Container))
                {
                    var recorded = await client.Containers.InspectContainerAsync(container.Id);
                    string.Join("\n", [recorded.Path, .. recorded.Args, .. recorded.Config!.Env ?? [], .. recorded.Config.Cmd ?? [],
                        .. (recorded.Config.Labels ?? new Dictionary<string, string>()).Values]).Should().NotContain(real, "{0} is recorded without it", recorded.Name);
                    (await scope.LogsAsync(container.Id)).Should().NotContain(real);
                }
            var loggers = run.App.Services.GetRequiredService<ResourceLoggerService>();
            foreach (var resource in new[] { "edgy", "edgy-agent", "edgy-proxy" })
                await foreach (var batch in loggers.GetAllAsync(resource))
                    batch.Should().NotContain(l => l.Content.Contains(real));
        }
    }

    /// <summary>Searches the agent's files (not /proc, /sys, /dev) and every process's environment and command line.</summary>
    private const string Search = """
        import base64, os, sys

        value = base64.b64decode(sys.argv[1]).decode()[::-1].encode()
        hits = []
        for root, dirs, files in os.walk("/"):
            if root == "/":
                dirs[:] = [d for d in dirs if d not in ("proc", "sys", "dev")]
            for name in files:
                path = os.path.join(root, name)
                try:
                    if not os.path.islink(path) and os.path.isfile(path) and value in open(path, "rb").read():
                        hits.append(path)
                except OSError:
                    pass
        for pid in os.listdir("/proc"):
            for part in ("environ", "cmdline"):
                try:
                    if pid.isdigit() and value in open(f"/proc/{pid}/{part}", "rb").read():
                        hits.append(f"/proc/{pid}/{part}")
                except OSError:
                    pass
        print("found in " + ", ".join(hits) if hits else "searched, found nothing")
        """;
}
