using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using ClaudeBottle.Integration.Tests.Docker;
using ClaudeBottle.Integration.Tests.Images;
using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Resolution;
using ClaudeBottle.Launcher.Runtime;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClaudeBottle.Bench;

/// <summary>
/// The edge's cost (#15). Each round starts a real bottle with <see cref="BottleRunner"/> (agent, edge, pipelock
/// stand-in, three networks) whose allowlist names an HTTPS origin of the bench's own CA, attached to the bottle's
/// egress network and trusted by the edge as the operator's extra CA. The same client then times the same requests
/// (a) from inside the agent, through agent → edge → pipelock → origin, and (b) from a container on the bottle's
/// middle network that CONNECTs straight to pipelock, as agents did before the edge, trusting the origin's CA itself.
/// </summary>
internal sealed class EdgeBench(string agentImage, string proxyImage, bool quick) : IAsyncDisposable
{
    public const string OriginHost = "origin.bench.test";

    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("claude-bottle-bench-edge-");
    private readonly TestScope scope = new();
    private string originId = "";

    /// <summary>The request mix of one round; quick mode (CI's smoke run) makes one small round of it.</summary>
    private JsonObject Spec(string proxy, int port, string cafile) => new()
    {
        ["proxy"] = proxy, ["port"] = port, ["host"] = OriginHost, ["cafile"] = cafile,
        ["gets"] = quick ? 5 : 40, ["posts"] = quick ? 1 : 5, ["fresh"] = quick ? 3 : 15,
        ["mib"] = quick ? new JsonArray(1) : new JsonArray(1, 4),
    };

    public async Task PrepareAsync()
    {
        directory.UnixFileMode = (UnixFileMode)0b111_101_101;
        WriteCertificates();
        Write("origin.py", EdgeScripts.Origin);
        var outside = await scope.CreateNetworkAsync("outside", isInternal: false);
        originId = (await scope.Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = $"{scope.Id}-origin",
            Image = await TestImages.EdgeAsync(), // any image with python3
            Entrypoint = ["python3", "-u", "/b/origin.py"],
            User = "0:0",
            Labels = new Dictionary<string, string> { [TestEngine.TestLabel] = scope.Id },
            HostConfig = new HostConfig { NetworkMode = outside, Init = true, Binds = [$"{directory.FullName}:/b:ro"] },
        })).ID;
        await scope.Client.Containers.StartContainerAsync(originId, new ContainerStartParameters());
    }

    public async Task<EdgeSample> RoundAsync()
    {
        var root = Directory.CreateTempSubdirectory("claude-bottle-bench-runs-").FullName;
        try
        {
            return await RoundAsync(root);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private async Task<EdgeSample> RoundAsync(string root)
    {
        using var lease = InstanceLease.Acquire(root);
        using var engine = new DockerContainerEngine();
        var bottle = BottleResolver.Resolve(ManifestLoader.Parse($$"""
            { "bottles": { "default": { "image": "{{agentImage}}", "egress": { "allowlist": ["{{OriginHost}}"] } } },
              "agents": { "bench": {} } }
            """, "bench.json", root), _ => null).Single();
        var state = Path.Join(lease.Directory, bottle.Name);
        var plan = BottlePlan.Create(bottle, new BottlePlanSettings(lease.Id, lease.LockFile, $"claude-bottle-{lease.Id}-", proxyImage, agentImage,
            BottleRunner.ConfigFile(state), ExtraCaCertificatesFile: Path.Join(directory.FullName, "ca.crt"), ProbeImage: TestImages.ProbeTag,
            EdgeImage: TestImages.EdgeTag, EdgeConfigFile: BottleRunner.EdgeConfigFile(state)));
        var runner = new BottleRunner(engine, NullLogger.Instance);

        var clock = Stopwatch.StartNew();
        var instance = await runner.StartAsync(plan, state, new Quiet(), CancellationToken.None);
        var start = clock.Elapsed;
        string? direct = null;
        try
        {
            var edgeStart = await EdgeListeningAsync(instance.EdgeId!);
            await scope.Client.Networks.ConnectNetworkAsync(instance.EgressNetworkId!, new NetworkConnectParameters
            {
                Container = originId, EndpointConfig = new EndpointSettings { Aliases = [OriginHost] },
            });
            direct = (await scope.Client.Containers.CreateContainerAsync(new CreateContainerParameters
            {
                Name = $"{scope.Id}-direct-{lease.Id}",
                Image = agentImage,
                Entrypoint = ["sleep", "infinity"],
                Labels = new Dictionary<string, string> { [TestEngine.TestLabel] = scope.Id },
                HostConfig = new HostConfig { NetworkMode = instance.MiddleNetworkId!, Init = true, Binds = [$"{directory.FullName}:/b:ro"] },
            })).ID;
            await scope.Client.Containers.StartContainerAsync(direct, new ContainerStartParameters());

            var through = await ClientAsync(instance.AgentId!, Spec("edge", 8080, "/var/lib/claude-bottle-ca/bundle.crt"));
            var straight = await ClientAsync(direct, Spec("pipelock", 8888, "/b/ca.crt"));
            var memory = await Engine.MemoryAsync(instance.EdgeId!);
            var (exit, rss) = await TestScope.ExecAsync(scope.Client, instance.EdgeId!,
                "grep -h VmRSS /proc/[0-9]*/status | awk '{ if ($2 > m) m = $2 } END { print m }'");
            return new EdgeSample(start, edgeStart, through, straight, memory,
                exit == 0 && long.TryParse(rss.Trim(), CultureInfo.InvariantCulture, out var kib) ? kib * 1024 : 0);
        }
        finally
        {
            if (direct is not null)
                await scope.Client.Containers.RemoveContainerAsync(direct, new ContainerRemoveParameters { Force = true });
            if (instance.EgressNetworkId is { } egress)
                await scope.Client.Networks.DisconnectNetworkAsync(egress, new NetworkDisconnectParameters { Container = originId, Force = true })
                    .ContinueWith(_ => { }, TaskScheduler.Default); // not connected when the round failed before
            await runner.RemoveAsync(instance, CancellationToken.None);
        }
    }

    /// <summary>From the engine's start of the edge container to the edge's own <c>listening</c> line.</summary>
    private async Task<TimeSpan> EdgeListeningAsync(string edge)
    {
        var started = (await scope.Client.Containers.InspectContainerAsync(edge)).State!.StartedAt;
        using var stream = await scope.Client.Containers.GetContainerLogsAsync(edge, new ContainerLogsParameters { ShowStdout = true });
        var (stdout, _) = await stream.ReadOutputToEndAsync(CancellationToken.None);
        var line = stdout.Split('\n').First(l => l.Contains("\"event\":\"listening\"", StringComparison.Ordinal));
        var listening = DateTime.Parse(JsonNode.Parse(line)!["time"]!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
        return listening - DateTime.Parse(started, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
    }

    private async Task<Dictionary<string, List<double>>> ClientAsync(string container, JsonObject spec)
    {
        var (exit, output) = await TestScope.ExecAsync(scope.Client, container,
            $"python3 - '{spec.ToJsonString()}' <<'CLIENT'\n{EdgeScripts.Client}\nCLIENT");
        if (exit != 0)
            throw new InvalidOperationException($"the bench client failed in {container[..12]} ({exit}): {output}");
        return JsonNode.Parse(output.Trim().Split('\n')[^1])!.AsObject()
            .ToDictionary(p => p.Key, p => p.Value!.AsArray().Select(v => v!.GetValue<double>()).ToList());
    }

    private void WriteCertificates()
    {
        var certificates = OriginCertificates.Create("claude-bottle bench CA", OriginHost);
        Write("ca.crt", certificates.CaPem);
        Write("origin.crt", certificates.CertificatePem);
        Write("origin.key", certificates.KeyPem);
    }

    private void Write(string name, string content)
    {
        var path = Path.Join(directory.FullName, name);
        File.WriteAllText(path, content, new UTF8Encoding(false));
        File.SetUnixFileMode(path, (UnixFileMode)0b110_100_100);
    }

    public async ValueTask DisposeAsync()
    {
        await scope.DisposeAsync();
        directory.Delete(recursive: true);
    }

    private sealed class Quiet : IBottleProgress
    {
        public void Step(string message) { }
        public Task ProxyCreatedAsync(string containerId) => Task.CompletedTask;
        public Task ProxyHealthyAsync() => Task.CompletedTask;
        public Task AgentStartedAsync(string containerId) => Task.CompletedTask;
    }
}
