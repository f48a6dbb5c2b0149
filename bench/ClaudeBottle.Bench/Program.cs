using System.Globalization;
using ClaudeBottle.Bench;
using ClaudeBottle.Integration.Tests.Docker;
using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Resolution;
using ClaudeBottle.Launcher.Planning;

// The benchmark: N bottles started and torn down by the app host and, in the same run, by plain docker commands;
// medians of several runs; then an image build and a start that must not rebuild; then the edge's cost per request
// and per start (#15). See docs/performance.md.
var runs = 5;
int[] sizes = [1, 4, 8];
string? output = null;
var edgeOnly = false;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--sizes": sizes = [.. args[++i].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))]; break;
        case "--output": output = args[++i]; break;
        case "--edge-only": edgeOnly = true; break;
        default:
            Console.Error.WriteLine("usage: ClaudeBottle.Bench [--runs N] [--sizes 1,4,8] [--output FILE.md] [--edge-only]");
            return 2;
    }
}

var version = await Engine.Client.System.GetVersionAsync();
var machine = $"{Environment.ProcessorCount} CPUs, {File.ReadLines("/proc/meminfo").First().Split(':')[1].Trim()} memory, " +
              $"Linux {Environment.OSVersion.Version}, Docker engine {version.Version} (API {version.APIVersion})";
Console.WriteLine($"Machine: {machine}");
Console.WriteLine("Preparing images (the pipelock stand-in and a trivial agent)...");
var proxyImage = await TestImages.ProxyAsync();
var agentImage = await TestImages.AgentAsync();
// The isolation probe's and the edge's images, as the product builds them from the offline base (the app host is given them ready).
await TestImages.ProbeAsync();
await TestImages.EdgeAsync();
// The edge benchmark's agent: the trivial agent with python3, for its client (the integration tests' publish agent).
var clientAgentImage = await TestImages.DerivedAsync("claude-bottle-test/publish-agent", $"""
    FROM {agentImage}
    USER root
    RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 && rm -rf /var/lib/apt/lists/*
    USER claude
    """);

// The baseline's proxy reads the same configuration the app host writes for a bottle.
var configDirectory = Directory.CreateTempSubdirectory("claude-bottle-bench-config-");
var config = Path.Join(configDirectory.FullName, "pipelock.yaml");
var bottle = BottleResolver.Resolve(ManifestLoader.Parse("""{ "agents": { "bench": {} } }""", "bench.json", configDirectory.FullName), _ => null).Single();
File.WriteAllText(config, PipelockConfigText.Write(bottle, "bench-scan-token"));
// pipelock runs as nobody.
configDirectory.UnixFileMode |= UnixFileMode.OtherExecute | UnixFileMode.OtherRead;
File.SetUnixFileMode(config, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead | UnixFileMode.GroupRead);
// The baseline with an edge: the configuration the launcher writes, and the (empty) secrets a compose secret would carry.
var edgeConfig = Path.Join(configDirectory.FullName, "edge.json");
File.WriteAllText(edgeConfig, EdgeConfigText.Write(bottle, "bench-scan-token", extraCa: false));
var edgeSecrets = Path.Join(configDirectory.FullName, "edge-secrets.json");
File.WriteAllText(edgeSecrets, """{"secrets":{}}""");
foreach (var file in new[] { edgeConfig, edgeSecrets })
    File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead | UnixFileMode.GroupRead);
(string, string, string) withEdge = (TestImages.EdgeTag, edgeConfig, edgeSecrets);

var samples = new List<Sample>();
var edgeSamples = new List<EdgeSample>();
try
{
    // A warm-up of each, not counted: the first container start after images are built costs more.
    if (!edgeOnly)
    {
        await Baseline.RunAsync(1, proxyImage, agentImage, config);
        await Baseline.RunAsync(1, proxyImage, agentImage, config, withEdge);
        await AppHostBench.RunAsync(1, proxyImage, agentImage);
    }
    for (var run = 1; run <= (edgeOnly ? 0 : runs); run++)
        foreach (var n in sizes)
        {
            var docker = await Baseline.RunAsync(n, proxyImage, agentImage, config);
            var dockerEdge = await Baseline.RunAsync(n, proxyImage, agentImage, config, withEdge);
            var host = await AppHostBench.RunAsync(n, proxyImage, agentImage);
            samples.AddRange([docker, dockerEdge, host]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"run {run}, {n} bottle(s): docker up {docker.Up.TotalSeconds:0.00} s down {docker.Down.TotalSeconds:0.00} s; " +
                $"docker with the edge up {dockerEdge.Up.TotalSeconds:0.00} s; " +
                $"app host up {host.Up.TotalSeconds:0.00} s (ready after {host.HostReady?.TotalSeconds:0.00} s) down {host.Down.TotalSeconds:0.00} s"));
        }
    BuildSample? build = null;
    if (!edgeOnly)
    {
        Console.WriteLine("Image build: a bottle's own image, first start and a second start with the same inputs...");
        build = await BuildBench.RunAsync(proxyImage, agentImage);
    }

    // One round is a bottle; a single run (CI's smoke) makes one small round, a full run --runs rounds after a warm-up
    // round that is not counted.
    var edgeRounds = runs;
    await using (var edge = new EdgeBench(clientAgentImage, proxyImage, quick: edgeRounds == 1))
    {
        await edge.PrepareAsync();
        if (edgeRounds > 1)
            await edge.RoundAsync();
        for (var round = 1; round <= edgeRounds; round++)
        {
            var sample = await edge.RoundAsync();
            edgeSamples.Add(sample);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"edge round {round}: start {sample.Start.TotalSeconds:0.00} s (edge {sample.EdgeListening.TotalSeconds:0.00} s); " +
                $"GET {sample.Through["get"].Order().ElementAt(sample.Through["get"].Count / 2):0.0} ms through the edge, " +
                $"{sample.Straight["get"].Order().ElementAt(sample.Straight["get"].Count / 2):0.0} ms straight"));
        }
    }

    var report = $"Machine: {machine}\n\n{(edgeOnly ? "" : Report.Format(samples, build, runs) + "\n")}{EdgeReport.Format(edgeSamples, samples)}";
    Console.WriteLine();
    Console.WriteLine(report);
    if (output is not null)
        File.WriteAllText(output, report);
    return 0;
}
finally
{
    configDirectory.Delete(recursive: true);
}
