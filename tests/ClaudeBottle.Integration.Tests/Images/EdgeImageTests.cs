using System.Text.Json.Nodes;
using ClaudeBottle.Integration.Tests.Docker;
using Docker.DotNet.Models;
using Xunit.Abstractions;

namespace ClaudeBottle.Integration.Tests.Images;

/// <summary>
/// The edge image the product builds, in a real chain (see <see cref="EdgeChain"/>): what the origin received, what the
/// client got back, and the edge's decision lines, for each duty of contract §3.
/// </summary>
public sealed class EdgeImageTests(EdgeChain chain, ITestOutputHelper output) : IClassFixture<EdgeChain>
{
    private static string Id() => Guid.NewGuid().ToString("N")[..12];

    private static async Task<JsonObject?> OriginSawAsync(EdgeChain c, string id) =>
        (await c.OriginRecordsAsync()).LastOrDefault(r => ((string?)r["path"])!.Contains(id, StringComparison.Ordinal));

    private static async Task<JsonObject> LineAsync(EdgeChain c, string evt, string id) =>
        (await c.EdgeLinesAsync()).Last(l => (string?)l["event"] == evt && ((string?)l["url"] ?? "").Contains(id, StringComparison.Ordinal));

    private static string Authorization(JsonObject record) => (string)record["headers"]!["Authorization"]!;

    [SkippableFact]
    public async Task The_declared_host_receives_the_real_credential_and_another_host_the_placeholder()
    {
        var c = await chain.ReadyAsync();
        var (onApi, onOther) = (Id(), Id());
        var bearer = new Dictionary<string, string> { ["Authorization"] = $"Bearer {c.GithubPlaceholder}" };

        var api = await c.RequestAsync(EdgeChain.ApiHost, $"/repos/{onApi}", headers: bearer);
        var other = await c.RequestAsync(EdgeChain.OtherHost, $"/repos/{onOther}", headers: bearer);

        ((int)api["status"]!).Should().Be(200, api.ToJsonString());
        ((string?)api["issuer"]).Should().Be(EdgeChain.RunCaIssuer, "the edge terminated the client's TLS with the run CA");
        Authorization((await OriginSawAsync(c, onApi))!).Should().Be($"Bearer {c.GithubToken}");
        ((int)other["status"]!).Should().Be(200, other.ToJsonString());
        Authorization((await OriginSawAsync(c, onOther))!).Should().Be($"Bearer {c.GithubPlaceholder}", "a credential goes to its declared host only");
        var injected = await LineAsync(c, "credential_injected", onApi);
        ((string?)injected["header"]).Should().Be("Authorization");
        ((string?)injected["credential"]).Should().Be("bottles.dev.credentials[0]");
        (await c.EdgeLinesAsync()).Should().NotContain(l => (string?)l["event"] == "credential_injected" && ((string?)l["url"] ?? "").Contains(onOther));
    }

    [SkippableFact]
    public async Task An_echoed_credential_reaches_the_client_as_the_placeholder_in_headers_bodies_and_event_streams()
    {
        var c = await chain.ReadyAsync();
        var (header, stream) = (Id(), Id());

        var echoed = await c.RequestAsync(EdgeChain.ApiHost, $"/echo-header/{header}");
        var events = await c.RequestAsync(EdgeChain.ApiHost, $"/sse/{stream}");

        (await OriginSawAsync(c, header)).Should().NotBeNull();
        ((string?)echoed["headers"]!["x-echoed-authorization"]).Should().Be($"Bearer {c.GithubPlaceholder}");
        ((string)echoed["body"]!).Should().Contain(c.GithubPlaceholder).And.NotContain(c.GithubToken);
        var redactions = (await c.EdgeLinesAsync()).Where(l => (string?)l["event"] == "redacted" && ((string?)l["url"])!.Contains(header)).Select(l => (string?)l["where"]);
        redactions.Should().BeEquivalentTo(["header X-Echoed-Authorization", "body"]);
        // The origin splits the value across two chunks of the stream: the carry-over still catches it.
        ((int)events["status"]!).Should().Be(200);
        ((string)events["body"]!).Should().Contain($"data: Bearer {c.GithubPlaceholder}\n\n").And.NotContain(c.GithubToken);
        ((string?)(await LineAsync(c, "redacted", stream))["where"]).Should().Be("event stream");
        // A stream is never cut: its injection phrase is flagged once it ends.
        ((string?)(await LineAsync(c, "flagged", stream))["scanner"]).Should().Be("prompt_injection");
    }

    [SkippableFact]
    public async Task A_denied_method_and_a_denied_path_are_refused_at_the_edge_naming_the_rule()
    {
        var c = await chain.ReadyAsync();
        var (method, path, encoded) = (Id(), Id(), Id());

        var delete = await c.RequestAsync(EdgeChain.ApiHost, $"/repos/{method}", "DELETE");
        var push = await c.RequestAsync(EdgeChain.ApiHost, $"/owner/{path}/./x/../git-receive-pack?service=1");
        var slash = await c.RequestAsync(EdgeChain.ApiHost, $"/owner%2F{encoded}/git-receive-pack");

        foreach (var (answer, id) in new[] { (delete, method), (push, path), (slash, encoded) })
        {
            ((int)answer["status"]!).Should().Be(403, answer.ToJsonString());
            ((string)answer["body"]!).Should().Contain("bottles.dev.egress.rules[0]");
            var line = await LineAsync(c, "blocked", id);
            ((string?)line["scanner"]).Should().Be("rule");
            ((string?)line["rule"]).Should().Be("bottles.dev.egress.rules[0]");
            ((string?)line["url"]).Should().NotContain("?", "a query string never reaches a log line");
            (await OriginSawAsync(c, id)).Should().BeNull("a refused request never leaves the edge");
        }
        ((string?)(await LineAsync(c, "blocked", method))["method"]).Should().Be("DELETE");
    }

    [SkippableFact]
    public async Task A_body_with_a_token_shaped_value_is_blocked_by_dlp_and_a_placeholder_is_not()
    {
        var c = await chain.ReadyAsync();
        var (leak, harmless) = (Id(), Id());
        var token = "ghp_" + Guid.NewGuid().ToString("N") + "abcd";

        var blocked = await c.RequestAsync(EdgeChain.OtherHost, $"/upload/{leak}", "POST", body: $"{{\"note\":\"{token}\"}}");
        var passed = await c.RequestAsync(EdgeChain.OtherHost, $"/upload/{harmless}", "POST", body: $"{{\"note\":\"{c.GithubPlaceholder}\"}}");

        ((int)blocked["status"]!).Should().Be(403, blocked.ToJsonString());
        var line = await LineAsync(c, "blocked", leak);
        ((string?)line["scanner"]).Should().Be("dlp");
        ((string?)line["reason"]).Should().Contain("DLP-GitHub Token").And.NotContain(token);
        (await OriginSawAsync(c, leak)).Should().BeNull();
        ((int)passed["status"]!).Should().Be(200, "the run's placeholders are neutralised before the scan: " + passed.ToJsonString());
        ((string?)(await OriginSawAsync(c, harmless))!["body"]).Should().Contain(c.GithubPlaceholder);
    }

    [SkippableFact]
    public async Task An_injection_phrase_is_blocked_from_an_ordinary_host_and_flagged_from_a_warn_only_host()
    {
        var c = await chain.ReadyAsync();
        var (ordinary, warnOnly) = (Id(), Id());

        var blocked = await c.RequestAsync(EdgeChain.OtherHost, $"/inject/{ordinary}");
        var flagged = await c.RequestAsync(EdgeChain.ClaudeHost, $"/inject/{warnOnly}");

        ((int)blocked["status"]!).Should().Be(403);
        ((string)blocked["body"]!).Should().Contain("INJ-Prompt Injection").And.NotContain("ignore all previous");
        ((string?)(await LineAsync(c, "blocked", ordinary))["scanner"]).Should().Be("prompt_injection");
        ((int)flagged["status"]!).Should().Be(200);
        ((string)flagged["body"]!).Should().Contain("ignore all previous instructions");
        var line = await LineAsync(c, "flagged", warnOnly);
        ((string?)line["scanner"]).Should().Be("prompt_injection");
        ((string?)line["reason"]).Should().Contain("INJ-Prompt Injection");
    }

    [SkippableFact]
    public async Task A_pass_through_host_shows_the_origins_own_certificate_and_still_goes_through_pipelock()
    {
        var c = await chain.ReadyAsync();
        var id = Id();

        var answer = await c.RequestAsync(EdgeChain.PinnedHost, $"/pinned/{id}", headers: new Dictionary<string, string> { ["Authorization"] = $"Bearer {c.GithubPlaceholder}" });

        ((int)answer["status"]!).Should().Be(200, answer.ToJsonString());
        ((string?)answer["issuer"]).Should().Be(EdgeChain.OriginIssuer, "a pass-through tunnel is not decrypted");
        Authorization((await OriginSawAsync(c, id))!).Should().Be($"Bearer {c.GithubPlaceholder}");
        (await c.StdoutAsync(c.PipelockId)).Should().Contain($"\"target\":\"{EdgeChain.PinnedHost}:443\"");
    }

    [SkippableFact]
    public async Task A_client_hello_naming_a_pass_through_host_does_not_turn_inspection_off()
    {
        var c = await chain.ReadyAsync();
        var id = Id();

        // CONNECT to the credential's host, SNI of the pass-through host: mitmproxy's ignore_hosts would honour the SNI.
        var answer = await c.RequestAsync(EdgeChain.ApiHost, $"/repos/{id}", extra: new JsonObject { ["sni"] = EdgeChain.PinnedHost });

        ((int)answer["status"]!).Should().Be(200, answer.ToJsonString());
        ((string?)answer["issuer"]).Should().Be(EdgeChain.RunCaIssuer, "the tunnel's destination decides, and it is not pass-through");
        (await LineAsync(c, "credential_injected", id)).Should().NotBeNull();
    }

    [SkippableFact]
    public async Task A_scan_that_cannot_be_made_refuses_the_request()
    {
        var c = await chain.ReadyAsync();
        var edge = await c.CreateEdgeAsync("edge-wrong-token", openStdin: true, config: "edge-wrong-token.json", alias: "edge-wrong-token");
        await c.Scope.Client.Networks.ConnectNetworkAsync(c.MiddleNetwork, new NetworkConnectParameters { Container = edge });
        await EdgeStdin.StartWithSecretsAsync(c.Scope.Client, edge, c.SecretsLine);
        await c.WaitForListeningAsync(edge, TimeSpan.FromSeconds(60));
        var id = Id();

        var answer = await c.RequestAsync(EdgeChain.OtherHost, $"/unscanned/{id}", extra: new JsonObject { ["proxy"] = "edge-wrong-token", ["insecure"] = true });

        ((int)answer["status"]!).Should().Be(403, answer.ToJsonString());
        var line = (await c.EdgeLinesAsync(edge)).Single(l => (string?)l["event"] == "blocked");
        ((string?)line["scanner"]).Should().Be("dlp");
        ((string?)line["reason"]).Should().Contain("could not be scanned").And.Contain("401");
        (await OriginSawAsync(c, id)).Should().BeNull("fail closed: an unscanned request never leaves");
    }

    [SkippableFact]
    public async Task A_token_at_the_end_of_a_body_larger_than_one_scan_piece_is_still_found()
    {
        var c = await chain.ReadyAsync();
        var (large, clean) = (Id(), Id());
        var token = "AKIA" + Guid.NewGuid().ToString("N")[..16].ToUpperInvariant();

        var blocked = await c.RequestAsync(EdgeChain.OtherHost, $"/large/{large}", "POST",
            extra: new JsonObject { ["repeat"] = new JsonObject { ["text"] = "lorem ipsum ", ["count"] = 100_000, ["suffix"] = token } });
        var passed = await c.RequestAsync(EdgeChain.OtherHost, $"/large/{clean}", "POST",
            extra: new JsonObject { ["repeat"] = new JsonObject { ["text"] = "lorem ipsum ", ["count"] = 100_000, ["suffix"] = "." } });

        ((int)blocked["status"]!).Should().Be(403, blocked.ToJsonString());
        ((string?)(await LineAsync(c, "blocked", large))["reason"]).Should().Contain("DLP-AWS Access ID");
        ((int)passed["status"]!).Should().Be(200, "1.2 MB is cut into pieces the scan API accepts: " + passed.ToJsonString()[..Math.Min(300, passed.ToJsonString().Length)]);
    }

    [SkippableFact]
    public async Task A_Host_header_naming_another_host_is_refused()
    {
        var c = await chain.ReadyAsync();
        var id = Id();

        var answer = await c.RequestAsync(EdgeChain.OtherHost, $"/fronted/{id}",
            headers: new Dictionary<string, string> { ["Host"] = EdgeChain.ApiHost, ["Authorization"] = $"Bearer {c.GithubPlaceholder}" });

        ((int)answer["status"]!).Should().Be(403, answer.ToJsonString());
        ((string?)(await LineAsync(c, "blocked", id))["scanner"]).Should().Be("host");
        (await OriginSawAsync(c, id)).Should().BeNull();
    }

    [SkippableFact]
    public async Task The_client_trusts_the_run_ca_through_the_published_files_and_health_answers_on_the_proxy_port()
    {
        var c = await chain.ReadyAsync();
        foreach (var file in new[] { "ca.crt", "agent-ca.crt", "bundle.crt" })
        {
            var answer = await c.RequestAsync(EdgeChain.OtherHost, $"/trust/{Id()}", cafile: $"/var/lib/claude-bottle-ca/{file}");
            ((int)answer["status"]!).Should().Be(200, $"{file}: {answer.ToJsonString()}");
            ((string?)answer["issuer"]).Should().Be(EdgeChain.RunCaIssuer);
        }
        var untrusted = await c.RequestAsync(EdgeChain.OtherHost, $"/trust/{Id()}", cafile: "/t/extra-ca.crt");
        ((int)untrusted["status"]!).Should().Be(-1, "only the run CA vouches for an intercepted host");

        var (exit, health) = await c.Scope.ExecAsync(c.ClientId, "python3 /t/health.py");
        exit.Should().Be(0, health);
        health.Trim().Should().Be("HTTP/1.0 200 OK");
        var (healthy, said) = await c.Scope.ExecAsync(c.EdgeId, "python3 /usr/local/lib/claude-bottle-edge/healthcheck.py");
        healthy.Should().Be(0, "the engine's health check command answers as the probe does: " + said);
    }

    [SkippableFact]
    public async Task No_container_holds_a_real_value_and_the_ca_volume_holds_certificates_only()
    {
        var c = await chain.ReadyAsync();
        await c.RequestAsync(EdgeChain.ApiHost, $"/repos/{Id()}");  // the edge has used the credential at least once

        foreach (var id in new[] { c.EdgeId, c.PipelockId, c.OriginId, c.ClientId })
        {
            var inspect = System.Text.Json.JsonSerializer.Serialize(await c.Scope.Client.Containers.InspectContainerAsync(id));
            inspect.Should().NotContain(c.GithubToken).And.NotContain(c.OauthToken);
        }
        var edge = await c.Scope.Client.Containers.InspectContainerAsync(c.EdgeId);
        edge.Config!.OpenStdin.Should().BeTrue("the secrets came over stdin, the only way in");
        var logs = await c.Scope.LogsAsync(c.EdgeId);
        foreach (var value in new[] { c.GithubToken, c.OauthToken, c.GithubPlaceholder, c.OauthPlaceholder })
            logs.Should().NotContain(value, "the edge never writes a value or a placeholder");

        var (exit, listing) = await c.Scope.ExecAsync(c.ClientId,
            "cd /var/lib/claude-bottle-ca && ls -A && stat -c '%a %u %n' * && ! grep -l 'PRIVATE KEY' * && grep -c 'BEGIN CERTIFICATE' ca.crt agent-ca.crt");
        exit.Should().Be(0, listing);
        listing.Split('\n', StringSplitOptions.RemoveEmptyEntries)[..3].Should().Equal("agent-ca.crt", "bundle.crt", "ca.crt");
        listing.Should().Contain("644 65534 ca.crt").And.Contain("ca.crt:1").And.Contain("agent-ca.crt:2");
    }

    [SkippableFact]
    public async Task An_edge_without_secrets_exits_3_and_one_missing_a_name_or_given_an_empty_value_says_which()
    {
        var c = await chain.ReadyAsync();
        var bare = await c.CreateEdgeAsync("edge-no-stdin", openStdin: false, onInternal: false);
        await c.Scope.Client.Containers.StartContainerAsync(bare, new ContainerStartParameters());
        var partial = await c.CreateEdgeAsync("edge-partial", openStdin: true, onInternal: false);
        await EdgeStdin.StartWithSecretsAsync(c.Scope.Client, partial, $"{{\"secrets\":{{\"CLAUDE_BOTTLE_OAUTH_TOKEN\":\"{c.OauthToken}\"}}}}");
        // An example secrets file copied and not filled in.
        var empty = await c.CreateEdgeAsync("edge-empty", openStdin: true, onInternal: false);
        await EdgeStdin.StartWithSecretsAsync(c.Scope.Client, empty, $"{{\"secrets\":{{\"CLAUDE_BOTTLE_OAUTH_TOKEN\":\"{c.OauthToken}\",\"GITHUB_TOKEN\":\"\"}}}}");

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        (await c.Scope.Client.Containers.WaitContainerAsync(bare, timeout.Token)).StatusCode.Should().Be(3);
        (await c.Scope.LogsAsync(bare)).Should().Contain("no secrets were given");
        (await c.Scope.Client.Containers.WaitContainerAsync(partial, timeout.Token)).StatusCode.Should().Be(3);
        var said = await c.Scope.LogsAsync(partial);
        said.Should().Contain("${GITHUB_TOKEN}").And.NotContain(c.OauthToken);
        (await c.EdgeLinesAsync(partial)).Should().BeEmpty("an edge that exits never said it was listening");
        (await c.Scope.Client.Containers.WaitContainerAsync(empty, timeout.Token)).StatusCode.Should().Be(3);
        (await c.Scope.LogsAsync(empty)).Should().Contain("give no value for GITHUB_TOKEN").And.NotContain(c.OauthToken);
    }

    [SkippableFact]
    public async Task Measures_the_edge_start_and_memory()
    {
        var c = await chain.ReadyAsync();
        var (_, rss) = await c.Scope.ExecAsync(c.EdgeId, "grep VmRSS /proc/1/status");
        var image = await c.Scope.Client.Images.InspectImageAsync(c.EdgeImage);
        output.WriteLine($"edge listening {c.EdgeStart.TotalSeconds:F2} s after start; {rss.Trim()}; image {image.Size / 1_000_000} MB");
        rss.Should().Contain("VmRSS");
    }
}
