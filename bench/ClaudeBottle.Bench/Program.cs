using System.Globalization;
using ClaudeBottle.Bench;
using ClaudeBottle.Integration.Tests.Docker;
using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Resolution;
using ClaudeBottle.Launcher.Planning;

// The benchmark: N bottles started and torn down by the app host and, in the same run, by plain docker commands;
// medians of several runs; then an image build and a start that must not rebuild. See docs/performance.md.
var runs = 5;
int[] sizes = [1, 4, 8];
string? output = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--sizes": sizes = [.. args[++i].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))]; break;
        case "--output": output = args[++i]; break;
        default:
            Console.Error.WriteLine("usage: ClaudeBottle.Bench [--runs N] [--sizes 1,4,8] [--output FILE.md]");
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
// The isolation probe's image, as the product builds it from the offline base (the app host is given it ready).
await TestImages.ProbeAsync();

// The baseline's proxy reads the same configuration the app host writes for a bottle.
var configDirectory = Directory.CreateTempSubdirectory("claude-bottle-bench-config-");
var config = Path.Join(configDirectory.FullName, "pipelock.yaml");
var bottle = BottleResolver.Resolve(ManifestLoader.Parse("""{ "agents": { "bench": {} } }""", "bench.json", configDirectory.FullName), _ => null).Single();
File.WriteAllText(config, PipelockConfigText.Write(bottle, "bench-scan-token"));
// pipelock runs as nobody.
configDirectory.UnixFileMode |= UnixFileMode.OtherExecute | UnixFileMode.OtherRead;
File.SetUnixFileMode(config, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead | UnixFileMode.GroupRead);

var samples = new List<Sample>();
try
{
    // A warm-up of each, not counted: the first container start after images are built costs more.
    await Baseline.RunAsync(1, proxyImage, agentImage, config);
    await AppHostBench.RunAsync(1, proxyImage, agentImage);
    for (var run = 1; run <= runs; run++)
        foreach (var n in sizes)
        {
            var docker = await Baseline.RunAsync(n, proxyImage, agentImage, config);
            var host = await AppHostBench.RunAsync(n, proxyImage, agentImage);
            samples.AddRange([docker, host]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"run {run}, {n} bottle(s): docker up {docker.Up.TotalSeconds:0.00} s down {docker.Down.TotalSeconds:0.00} s; " +
                $"app host up {host.Up.TotalSeconds:0.00} s (ready after {host.HostReady?.TotalSeconds:0.00} s) down {host.Down.TotalSeconds:0.00} s"));
        }
    Console.WriteLine("Image build: a bottle's own image, first start and a second start with the same inputs...");
    var build = await BuildBench.RunAsync(proxyImage, agentImage);

    var report = $"Machine: {machine}\n\n{Report.Format(samples, build, runs)}";
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
