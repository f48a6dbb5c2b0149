using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClaudeBottle.Integration.Tests.Docker;
using Docker.DotNet.Models;

namespace ClaudeBottle.Integration.Tests.Images;

/// <summary>
/// One chain for the edge's tests, wired by hand as the launcher will: client --internal--> edge --middle--> pipelock
/// stand-in (strict allowlist, scan API) --egress--> an HTTPS origin of the tests' own CA answering for several names.
/// The edge is the product's image; its secrets arrive on stdin through the attach API. Made once for the class.
/// </summary>
public sealed class EdgeChain : IAsyncLifetime
{
    public const string Bottle = "dev";
    public const string ApiHost = "api.example.test";
    public const string OtherHost = "other.example.test";
    public const string PinnedHost = "pinned.example.test";
    public const string ClaudeHost = "claude.example.test";
    public const string OriginIssuer = "claude-bottle edge tests CA";
    public const string RunCaIssuer = $"claude-bottle run CA ({Bottle})";

    private readonly SemaphoreSlim gate = new(1, 1);
    private bool started;

    public TestScope Scope { get; } = new();
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("claude-bottle-edge-test-").FullName;
    public string GithubToken { get; } = "ghp_" + Random(36);
    public string GithubPlaceholder { get; } = "ghp_" + Random(36);
    public string OauthToken { get; } = "sk-ant-oat01-" + Random(40);
    public string OauthPlaceholder { get; } = "sk-ant-oat01-" + Random(40);
    public string ScanToken { get; } = Random(32);
    public string EdgeImage { get; private set; } = "";
    public string EdgeId { get; private set; } = "";
    public string ClientId { get; private set; } = "";
    public string OriginId { get; private set; } = "";
    public string PipelockId { get; private set; } = "";
    public string InternalNetwork { get; private set; } = "";
    public string MiddleNetwork { get; private set; } = "";
    public TimeSpan EdgeStart { get; private set; }

    public string SecretsLine => new JsonObject
    {
        ["secrets"] = new JsonObject { ["GITHUB_TOKEN"] = GithubToken, ["CLAUDE_BOTTLE_OAUTH_TOKEN"] = OauthToken },
    }.ToJsonString();

    /// <summary>Builds the images and starts the chain the first time a test asks; every test of the class shares it.</summary>
    public async Task<EdgeChain> ReadyAsync()
    {
        await TestEngine.RequireAsync();
        await gate.WaitAsync();
        try
        {
            if (!started)
            {
                await StartAsync();
                started = true;
            }
            return this;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task StartAsync()
    {
        File.SetUnixFileMode(Directory, (UnixFileMode)0b111_101_101);
        WriteCertificates();
        Write("origin.py", EdgeScripts.Origin);
        Write("client.py", EdgeScripts.Client);
        Write("health.py", EdgeScripts.Health);
        Write("edge.json", EdgeConfig().ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        var wrongToken = EdgeConfig();
        wrongToken["scanApi"]!["token"] = "not-the-token";
        Write("edge-wrong-token.json", wrongToken.ToJsonString());
        Write("pipelock.yaml", PipelockConfig());

        EdgeImage = await TestImages.EdgeAsync();
        var pipelockImage = await TestImages.ProxyAsync();
        InternalNetwork = await Scope.CreateNetworkAsync("internal", isInternal: true);
        var middle = MiddleNetwork = await Scope.CreateNetworkAsync("middle", isInternal: true);
        var egress = await Scope.CreateNetworkAsync("egress", isInternal: true);

        OriginId = await CreateAsync("origin", EdgeImage, egress, [ApiHost, OtherHost, PinnedHost, ClaudeHost],
            entrypoint: ["python3", "-u", "/t/origin.py"], user: "0:0", binds: [$"{Directory}:/t:ro"]);
        await Scope.Client.Containers.StartContainerAsync(OriginId, new ContainerStartParameters());

        PipelockId = await CreateAsync("pipelock", pipelockImage, middle, ["pipelock"],
            cmd: ["run", "--config", "/t/pipelock.yaml"], binds: [$"{Directory}:/t:ro"]);
        await Scope.Client.Networks.ConnectNetworkAsync(egress, new NetworkConnectParameters { Container = PipelockId });
        await Scope.Client.Containers.StartContainerAsync(PipelockId, new ContainerStartParameters());

        EdgeId = await CreateEdgeAsync("edge", openStdin: true);
        await Scope.Client.Networks.ConnectNetworkAsync(middle, new NetworkConnectParameters { Container = EdgeId });
        var begun = DateTime.UtcNow;
        await EdgeStdin.StartWithSecretsAsync(Scope.Client, EdgeId, SecretsLine);
        await WaitForListeningAsync(EdgeId, TimeSpan.FromSeconds(60));
        EdgeStart = DateTime.UtcNow - begun;

        ClientId = await CreateAsync("client", EdgeImage, InternalNetwork, [],
            entrypoint: ["sleep", "infinity"], binds: [$"{Directory}:/t:ro"], volumesFrom: [$"{EdgeId}:ro"]);
        await Scope.Client.Containers.StartContainerAsync(ClientId, new ContainerStartParameters());
    }

    /// <summary>An edge container as the contract makes it (§1), on the internal network under the name "edge".</summary>
    public async Task<string> CreateEdgeAsync(string name, bool openStdin, bool onInternal = true, string config = "edge.json", string alias = "edge")
    {
        var network = onInternal ? InternalNetwork : "none";
        var response = await Scope.Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = $"{Scope.Id}-{name}",
            Image = EdgeImage,
            User = "65534:65534",
            Labels = new Dictionary<string, string> { [TestEngine.TestLabel] = Scope.Id },
            OpenStdin = openStdin,
            StdinOnce = openStdin,
            AttachStdin = openStdin,
            HostConfig = new HostConfig
            {
                NetworkMode = network,
                ReadonlyRootfs = true,
                CapDrop = ["ALL"],
                SecurityOpt = ["no-new-privileges"],
                Memory = 256L * 1024 * 1024,
                PidsLimit = 128,
                NanoCPUs = 1_000_000_000,
                Tmpfs = new Dictionary<string, string>
                {
                    ["/run/claude-bottle-edge"] = "rw,nosuid,nodev,noexec,size=16m,mode=0700,uid=65534,gid=65534",
                },
                Binds = [$"{Path.Join(Directory, config)}:/etc/claude-bottle/edge.json:ro", $"{Path.Join(Directory, "extra-ca.crt")}:/etc/claude-bottle/extra-ca.crt:ro"],
            },
            NetworkingConfig = onInternal ? new NetworkingConfig
            {
                EndpointsConfig = new Dictionary<string, EndpointSettings> { [InternalNetwork] = new() { Aliases = [alias] } },
            } : null,
        });
        return response.ID;
    }

    private async Task<string> CreateAsync(string name, string image, string network, string[] aliases, string[]? entrypoint = null,
        string[]? cmd = null, string? user = null, string[]? binds = null, string[]? volumesFrom = null)
    {
        var response = await Scope.Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = $"{Scope.Id}-{name}",
            Image = image,
            // Unset (null) means the image's own.
            Entrypoint = entrypoint!,
            Cmd = cmd!,
            User = user!,
            Labels = new Dictionary<string, string> { [TestEngine.TestLabel] = Scope.Id },
            HostConfig = new HostConfig { NetworkMode = network, Init = true, Binds = binds!, VolumesFrom = volumesFrom! },
            NetworkingConfig = new NetworkingConfig
            {
                EndpointsConfig = new Dictionary<string, EndpointSettings> { [network] = new() { Aliases = aliases } },
            },
        });
        return response.ID;
    }

    public async Task WaitForListeningAsync(string edge, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if ((await StdoutAsync(edge)).Contains("\"event\":\"listening\"", StringComparison.Ordinal))
                return;
            var state = (await Scope.Client.Containers.InspectContainerAsync(edge)).State!;
            if (!state.Running)
                throw new InvalidOperationException($"the edge exited ({state.ExitCode}): {await Scope.LogsAsync(edge)}");
            await Task.Delay(100);
        }
        throw new TimeoutException($"the edge did not say it was listening: {await Scope.LogsAsync(edge)}");
    }

    /// <summary>One request from the client through the edge; the answer as the client saw it.</summary>
    public async Task<JsonObject> RequestAsync(string host, string path, string method = "GET", string? body = null,
        IDictionary<string, string>? headers = null, string? cafile = null, JsonObject? extra = null)
    {
        var spec = new JsonObject { ["host"] = host, ["path"] = path, ["method"] = method, ["body"] = body };
        foreach (var (key, value) in extra ?? [])
            spec[key] = value?.DeepClone();
        spec["headers"] = new JsonObject((headers ?? new Dictionary<string, string>()).Select(h => KeyValuePair.Create(h.Key, (JsonNode?)h.Value)));
        if (cafile is not null)
            spec["cafile"] = cafile;
        var argument = spec.ToJsonString().Replace("'", "'\\''", StringComparison.Ordinal);
        var (exit, output) = await Scope.ExecAsync(ClientId, $"python3 /t/client.py '{argument}'");
        exit.Should().Be(0, output);
        return JsonNode.Parse(output.Trim().Split('\n')[^1])!.AsObject();
    }

    /// <summary>What the origin received, one record per request.</summary>
    public async Task<List<JsonObject>> OriginRecordsAsync() =>
        (await StdoutAsync(OriginId)).Split('\n').Where(l => l.StartsWith('{')).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();

    /// <summary>The edge's decision lines.</summary>
    public async Task<List<JsonObject>> EdgeLinesAsync(string? edge = null) =>
        (await StdoutAsync(edge ?? EdgeId)).Split('\n').Where(l => l.StartsWith('{')).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();

    public async Task<string> StdoutAsync(string container)
    {
        using var stream = await Scope.Client.Containers.GetContainerLogsAsync(container, new ContainerLogsParameters { ShowStdout = true });
        var (stdout, _) = await stream.ReadOutputToEndAsync(CancellationToken.None);
        return stdout;
    }

    private JsonObject EdgeConfig() => new()
    {
        ["bottle"] = Bottle,
        ["listenPort"] = 8080,
        ["upstreamProxy"] = "http://pipelock:8888",
        ["scanApi"] = new JsonObject { ["url"] = "http://pipelock:9090/api/v1/scan", ["token"] = ScanToken },
        ["allowlist"] = new JsonArray(ApiHost, "*.example.test"),
        ["passThrough"] = new JsonArray(PinnedHost),
        ["warnOnlyHosts"] = new JsonArray(ClaudeHost),
        ["credentials"] = new JsonArray(
            new JsonObject { ["name"] = "bottles.dev.credentials[0]", ["host"] = ApiHost, ["header"] = "Authorization", ["template"] = "Bearer ${GITHUB_TOKEN}" },
            new JsonObject { ["name"] = "bottles.dev.credentials[1]", ["host"] = ClaudeHost, ["header"] = "Authorization", ["template"] = "Bearer ${CLAUDE_BOTTLE_OAUTH_TOKEN}" }),
        ["placeholders"] = new JsonObject { ["GITHUB_TOKEN"] = GithubPlaceholder, ["CLAUDE_BOTTLE_OAUTH_TOKEN"] = OauthPlaceholder },
        ["rules"] = new JsonArray(
            new JsonObject { ["name"] = "bottles.dev.egress.rules[0]", ["host"] = ApiHost, ["methods"] = new JsonArray("GET", "HEAD", "POST"), ["allow"] = new JsonArray(), ["deny"] = new JsonArray("/*/*/git-receive-pack") },
            new JsonObject { ["name"] = "bottles.dev.egress.rules[1]", ["host"] = "*.example.test", ["methods"] = new JsonArray("GET", "POST"), ["allow"] = new JsonArray(), ["deny"] = new JsonArray() }),
        ["extraCaFile"] = "/etc/claude-bottle/extra-ca.crt",
    };

    private string PipelockConfig() => $$"""
        mode: strict
        api_allowlist: ["{{ApiHost}}", "{{OtherHost}}", "{{PinnedHost}}", "{{ClaudeHost}}"]
        fetch_proxy:
          listen: "0.0.0.0:8888"
        forward_proxy:
          enabled: true
        default_agent_identity: "{{Bottle}}"
        scan_api:
          listen: "0.0.0.0:9090"
          auth: { bearer_tokens: ["{{ScanToken}}"] }
          max_body_bytes: 2097152
          field_limits: { text: 1048576, content: 1048576 }
          rate_limit: { requests_per_minute: 60000, burst: 1000 }
          kinds: { url: true, dlp: true, prompt_injection: true }
        """;

    /// <summary>The origin's CA (the operator's "extra CA" for the edge) and its certificate for every name it serves.</summary>
    private void WriteCertificates()
    {
        var certificates = OriginCertificates.Create(OriginIssuer, ApiHost, OtherHost, PinnedHost, ClaudeHost);
        Write("extra-ca.crt", certificates.CaPem);
        Write("origin.crt", certificates.CertificatePem);
        Write("origin.key", certificates.KeyPem);
    }

    private void Write(string name, string content)
    {
        var path = Path.Join(Directory, name);
        File.WriteAllText(path, content, new UTF8Encoding(false));
        // Read by containers running as other users; a test's throwaway files.
        File.SetUnixFileMode(path, (UnixFileMode)0b110_100_100);
    }

    private static string Random(int length) =>
        RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", length);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        // The edge's CA volume is anonymous: removed with the containers that use it, or it would stay behind.
        var mine = await Scope.Client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{TestEngine.TestLabel}={Scope.Id}"] = true } },
        });
        foreach (var container in mine)
            await Scope.Client.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true, RemoveVolumes = true });
        await Scope.DisposeAsync();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
