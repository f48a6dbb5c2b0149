using System.Formats.Tar;
using System.Text;
using System.Text.Json.Nodes;
using ClaudeBottle.Integration.Tests.Docker;
using ClaudeBottle.Launcher.Runtime;
using Docker.DotNet.Models;
using ClaudeBottle.Launcher.Planning;

namespace ClaudeBottle.Integration.Tests.EndToEnd;

/// <summary>
/// The stand-in for Claude's API (tests/AnthropicStandIn) as "the internet" of one test: a container of the test's
/// own, answering from the test's script, that joins the egress network of every bottle an app host run makes under
/// Claude's host names. The agent reaches it as it would reach the real API: through its proxy, by CONNECT to
/// api.anthropic.com:443, over TLS with a certificate of the tests' CA.
/// </summary>
public sealed class ApiStandIn : IAsyncDisposable
{
    /// <summary>The names the stand-in answers to (and its certificate holds).</summary>
    public static readonly IReadOnlyList<string> Hosts = ["api.anthropic.com", "claude.ai", "platform.claude.com"];

    private readonly TestScope _scope;
    private readonly CancellationTokenSource _stop = new();
    private readonly HashSet<string> _joined = [];
    private Task _following = Task.CompletedTask;

    private ApiStandIn(TestScope scope, string id) => (_scope, Id) = (scope, id);

    public string Id { get; }

    /// <summary>Starts the stand-in with <paramref name="script"/> (see <see cref="Api"/>).</summary>
    public static async Task<ApiStandIn> StartAsync(TestScope scope, JsonObject script)
    {
        var image = await TestImages.ApiStandInAsync();
        var network = await scope.CreateNetworkAsync("api-outside", isInternal: false);
        var created = await scope.Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = $"{scope.Id}-api",
            Image = image,
            Labels = new Dictionary<string, string> { [TestEngine.TestLabel] = scope.Id },
            HostConfig = new HostConfig { NetworkMode = network },
        });
        var certificates = TestCertificates.Current;
        await scope.Client.Containers.ExtractArchiveToContainerAsync(created.ID, new CopyToContainerParameters { Path = "/" },
            Archive(("standin/script.json", script.ToJsonString()), ("standin/server.crt", certificates.CertificatePem), ("standin/server.key", certificates.KeyPem)));
        await scope.Client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());
        var standIn = new ApiStandIn(scope, created.ID);
        await standIn.WaitForLogAsync("\"event\":\"listening\"");
        return standIn;
    }

    /// <summary>
    /// From now on, joins the egress network of every bottle of the app host run whose state is under
    /// <paramref name="stateRoot"/>, as soon as it exists: well before the agent starts, which waits for its proxy and
    /// the isolation probe.
    /// </summary>
    public void Follow(string stateRoot)
    {
        _following = Task.Run(async () =>
        {
            var filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [$"{BottleLabels.Role}=egress-network"] = true },
            };
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    foreach (var network in await _scope.Client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = filters }, _stop.Token))
                        if (network.Labels is { } labels && labels.TryGetValue(BottleLabels.Lease, out var lease) && lease.StartsWith(stateRoot + "/", StringComparison.Ordinal) && _joined.Add(network.ID))
                            await _scope.Client.Networks.ConnectNetworkAsync(network.ID, new NetworkConnectParameters
                            {
                                Container = Id,
                                EndpointConfig = new EndpointSettings { Aliases = [.. Hosts] },
                            }, _stop.Token);
                    await Task.Delay(100, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (global::Docker.DotNet.DockerApiException)
                {
                    // A network removed between listing and joining; the next round sees the rest.
                }
            }
        });
    }

    /// <summary>Every request the stand-in received so far, as it logged them.</summary>
    public async Task<IReadOnlyList<JsonNode>> RequestsAsync() => [.. (await LinesAsync()).Where(l => (string?)l["event"] == "request")];

    /// <summary>The requests to the Messages API.</summary>
    public async Task<IReadOnlyList<JsonNode>> MessagesAsync() =>
        [.. (await RequestsAsync()).Where(r => (string?)r["method"] == "POST" && ((string?)r["path"])?.StartsWith("/v1/messages?", StringComparison.Ordinal) == true
                                               || (string?)r["path"] == "/v1/messages")];

    private async Task<IEnumerable<JsonNode>> LinesAsync() =>
        (await _scope.LogsAsync(Id)).Split('\n')
            .Where(l => l.StartsWith('{'))
            .Select(l => JsonNode.Parse(l)!);

    private async Task WaitForLogAsync(string text)
    {
        for (var i = 0; i < 100; i++)
        {
            if ((await _scope.LogsAsync(Id)).Contains(text, StringComparison.Ordinal))
                return;
            await Task.Delay(100);
        }
        throw new InvalidOperationException($"the stand-in API did not start: {await _scope.LogsAsync(Id)}");
    }

    private static MemoryStream Archive(params (string Name, string Content)[] files)
    {
        var archive = new MemoryStream();
        using (var tar = new TarWriter(archive, TarEntryFormat.Pax, leaveOpen: true))
            foreach (var (name, content) in files)
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) });
        archive.Position = 0;
        return archive;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _following;
        _stop.Dispose();
    }
}
