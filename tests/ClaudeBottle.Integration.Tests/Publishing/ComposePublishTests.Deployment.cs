using System.Diagnostics;
using ClaudeBottle.Integration.Tests.Docker;

namespace ClaudeBottle.Integration.Tests.Publishing;

/// <summary>What the compose tests do as the operator does: publish through the app host, fill in, run docker-compose.</summary>
public sealed partial class ComposePublishTests
{
    private static readonly Dictionary<string, string> Unused = new() { ["CLAUDE_BOTTLE_OAUTH_TOKEN"] = "sk-ant-oat01-unused" };

    private static async Task PublishAsync(string manifestDirectory, string output, IReadOnlyDictionary<string, string> environment, params string[] publisher)
    {
        string[] args = publisher.Length > 0 ? [.. publisher, "--output-path", output] : ["--operation", "publish", "--step", "publish", "--output-path", output];
        var start = new ProcessStartInfo(Path.Join(AppContext.BaseDirectory, "ClaudeBottle.AppHost"),
            ["--manifest", Path.Join(manifestDirectory, "claude-bottle.json"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = manifestDirectory,
        };
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        start.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        process.ExitCode.Should().Be(0, "publish printed:\n{0}{1}", await stdout, await stderr);
        foreach (var (name, value) in environment.Where(e => e.Key.EndsWith("TOKEN", StringComparison.Ordinal)))
            (await stdout + await stderr).Should().NotContain(value, "publishing never prints {0}'s value", name);
    }

    /// <summary>The offline test images in place of the registry's and the recipes' (built for another base).</summary>
    private static async Task<string> OverrideAsync(string agent) => $"""
        services:
          {agent}-proxy:
            image: "{await TestImages.ProxyAsync()}"
          {agent}-agent-probe:
            image: "{await TestImages.ProbeAsync()}"
          {agent}-edge:
            image: "{await TestImages.EdgeAsync()}"

        """;

    /// <summary>As docs/publish.md tells the operator: the file readable by the edge's user alone.</summary>
    private static async Task GiveToEdgeAsync(string file)
    {
        if (Environment.UserName == "root")
        {
            using var chown = Process.Start(new ProcessStartInfo("chown", ["65534:65534", file]))!;
            await chown.WaitForExitAsync();
            chown.ExitCode.Should().Be(0);
            File.SetUnixFileMode(file, UnixFileMode.UserRead);
        }
        else
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }
    }

    /// <summary>What a publish derived: the scan API's token and the placeholders, from the edge's configuration.</summary>
    private static (string Token, Dictionary<string, string> Placeholders) Drawn(string directory)
    {
        var config = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Join(directory, "edge", "probe.json")))!;
        return (config["scanApi"]!["token"]!.GetValue<string>(),
            config["placeholders"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>()));
    }

    private static async Task ComposeAsync(string directory, params string[] args)
    {
        var (code, printed) = await TryComposeAsync(directory, args);
        code.Should().Be(0, "docker-compose {0} printed:\n{1}", string.Join(' ', args), printed);
    }

    private static async Task<(int Code, string Printed)> TryComposeAsync(string directory, params string[] args)
    {
        var start = new ProcessStartInfo("docker-compose", args) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    private static Dictionary<string, string> Tree(string directory) =>
        Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(directory, f).Replace('\\', '/'), File.ReadAllText);

    private static async Task RequireComposeAsync()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("docker-compose", ["version"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            await process.WaitForExitAsync();
            if (process.ExitCode == 0)
                return;
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }
        if (TestEngine.UnderCi)
            throw new InvalidOperationException("CI is set, so the compose tests must run, but docker-compose is not installed");
        Skip.If(true, "docker-compose is not installed (apt-get install docker-compose)");
    }
}
