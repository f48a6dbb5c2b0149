using System.Diagnostics;
using Docker.DotNet;
using Docker.DotNet.Models;
using ClaudeBottle.Launcher.Runtime;

namespace ClaudeBottle.Integration.Tests.Docker;

/// <summary>
/// A second Docker engine of the test's own (Docker/isolated-engine.sh): in namespaces of its own, with its resolver
/// on loopback, and free to be restarted. Tests that would disturb the machine's engine use it. Needs root, and
/// dnsmasq, unshare and nsenter; without them the tests skip, except under CI, where they fail.
/// </summary>
public sealed class IsolatedEngine : IAsyncDisposable
{
    private IsolatedEngine(string directory) => Directory = directory;

    public string Directory { get; }

    public Uri Endpoint => new($"unix://{Directory}/docker.sock");

    /// <summary>The queries the engine's loopback resolver was asked, one per line.</summary>
    public string DnsLog => File.Exists(Path.Join(Directory, "dns.log")) ? File.ReadAllText(Path.Join(Directory, "dns.log")) : "";

    public DockerClient CreateClient() => new DockerClientBuilder().WithEndpoint(Endpoint).Build();

    public DockerContainerEngine CreateEngine() => new(CreateClient());

    public static async Task<IsolatedEngine> StartAsync()
    {
        await TestEngine.RequireAsync();
        var missing = new[] { "dnsmasq", "unshare", "nsenter", "dockerd", "curl" }.Where(tool => !OnPath(tool)).ToList();
        var reason = Environment.UserName != "root" ? "a second engine needs root"
            : missing.Count > 0 ? $"a second engine needs {string.Join(", ", missing)} (apt-get install dnsmasq-base)"
            : null;
        if (reason is not null)
        {
            if (TestEngine.UnderCi)
                throw new InvalidOperationException($"CI is set, so the isolated-engine tests must run, but {reason}");
            Skip.If(true, reason);
        }
        // Short: the engine's socket path must fit in a unix socket address.
        var engine = new IsolatedEngine($"/tmp/cbt-engine-{Guid.NewGuid().ToString("N")[..8]}");
        await engine.ScriptAsync("up");
        return engine;
    }

    /// <summary>
    /// Starts <paramref name="script"/> (bash) in the engine's network namespace: the engine's host, as its containers
    /// see it, with its own firewall. Gone with the namespace when the engine is disposed; the caller may kill it sooner.
    /// </summary>
    public Process StartOnHost(string script) =>
        Process.Start(new ProcessStartInfo("nsenter", ["--target", File.ReadAllText(Path.Join(Directory, "holder.pid")).Trim(), "--net", "bash", "-c", script])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;

    /// <summary>Runs <paramref name="script"/> on the engine's host (see <see cref="StartOnHost"/>) and fails if it does.</summary>
    public async Task RunOnHostAsync(string script)
    {
        using var process = StartOnHost(script);
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"on the isolated engine's host, {script} failed: {await stderr}");
    }

    /// <summary>Stops dockerd and starts it again, as a crash and restart or an upgrade would.</summary>
    public Task RestartAsync() => ScriptAsync("restart");

    /// <summary>Copies images from the machine's engine, which built them.</summary>
    public async Task LoadAsync(params string[] images)
    {
        using var outer = TestEngine.CreateClient();
        using var inner = CreateClient();
        foreach (var image in images)
        {
            await using var tar = await outer.Images.SaveImageAsync(image);
            await inner.Images.LoadImageAsync(new ImageLoadParameters { Quiet = true }, tar, new Progress<JSONMessage>());
            await inner.Images.InspectImageAsync(image);
        }
    }

    private async Task ScriptAsync(string action)
    {
        var script = Path.Join(AppContext.BaseDirectory, "Docker", "isolated-engine.sh");
        using var process = Process.Start(new ProcessStartInfo("bash", [script, action, Directory]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"isolated-engine.sh {action} failed: {await stderr}");
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(["/usr/sbin", "/sbin"]).Any(dir => File.Exists(Path.Join(dir, tool)));

    public async ValueTask DisposeAsync() => await ScriptAsync("down");
}
