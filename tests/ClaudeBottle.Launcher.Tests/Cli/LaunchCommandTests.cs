using ClaudeBottle.Launcher.Cli;

namespace ClaudeBottle.Launcher.Tests.Cli;

/// <summary>What ends a launch before Aspire starts, and what reaches Aspire.</summary>
public sealed class LaunchCommandTests
{
    private static (LaunchDecision Decision, string Output, string Errors) Prepare(params string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        // A home of its own, where the default state folder is made.
        var home = Directory.CreateTempSubdirectory("claude-bottle-home-").FullName;
        var decision = LaunchCommand.Prepare(args, output, errors, terminal: null, name => name == "HOME" ? home : null);
        return (decision, output.ToString(), errors.ToString());
    }

    [Fact]
    public void Help_lists_every_switch_and_starts_nothing()
    {
        var (decision, output, _) = Prepare("--help");
        decision.ExitCode.Should().Be(0);
        output.Should().Contain("--manifest").And.Contain("--check").And.Contain("--agent").And.Contain("--yes").And.Contain("--attach");
    }

    [Fact]
    public void Version_prints_and_starts_nothing() => Prepare("--version").Decision.ExitCode.Should().Be(0);

    [Fact]
    public void A_switch_error_says_what_and_how_to_get_help() =>
        Prepare("--agent").Should().Match<(LaunchDecision Decision, string Output, string Errors)>(r =>
            r.Decision.ExitCode == 2 && r.Errors.Contains("--agent") && r.Errors.Contains("--help"));

    [Fact]
    public void A_missing_manifest_ends_the_launch_naming_it()
    {
        using var dir = new TempDirectory();
        var (decision, _, errors) = Prepare("--manifest", Path.Join(dir.Path, "nope.json"));
        decision.ExitCode.Should().Be(1);
        errors.Should().Contain("nope.json");
    }

    [Fact]
    public void A_bad_setting_ends_the_launch_naming_its_key()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(Path.Join(dir.Path, "claude-bottle.json"), """{ "agents": { "solo": {} } }""");
        var (decision, _, errors) = Prepare("--manifest", Path.Join(dir.Path, "claude-bottle.json"), "--ClaudeBottle:ExtraCaCertificates=/nowhere/ca.pem");
        decision.ExitCode.Should().Be(1);
        errors.Should().Contain("ClaudeBottle:ExtraCaCertificates").And.Contain("/nowhere/ca.pem");
    }

    [Fact]
    public void A_build_context_over_the_configured_cap_stops_the_launch_and_a_raised_cap_lets_it_through()
    {
        using var dir = new TempDirectory();
        dir.Write("image/Dockerfile", "FROM x\n");
        dir.Write("image/data.bin", new string('x', 4096));
        var manifest = dir.Write("claude-bottle.json", """{ "bottles": { "default": { "build": { "context": "image" } } }, "agents": { "solo": {} } }""");

        var (small, _, errors) = Prepare("--manifest", manifest, "--yes", "--ClaudeBottle:MaxBuildContextSize=2k");
        var (raised, _, _) = Prepare("--manifest", manifest, "--yes", "--ClaudeBottle:MaxBuildContextSize=1m");
        var (unreadable, _, problem) = Prepare("--manifest", manifest, "--ClaudeBottle:MaxBuildContextSize=lots");

        small.ExitCode.Should().Be(1);
        errors.Should().Contain("larger than 2 KiB").And.Contain("--ClaudeBottle:MaxBuildContextSize=1g");
        raised.ExitCode.Should().BeNull();
        unreadable.ExitCode.Should().Be(1);
        problem.Should().Contain("ClaudeBottle:MaxBuildContextSize is 'lots'");
    }

    [Fact]
    public void A_valid_launch_hands_the_manifest_and_the_settings_to_aspire()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(Path.Join(dir.Path, "claude-bottle.json"), """{ "agents": { "solo": {} } }""");
        var (decision, _, _) = Prepare("--manifest", Path.Join(dir.Path, "claude-bottle.json"), "--yes", "--agent", "solo");
        decision.ExitCode.Should().BeNull();
        decision.Manifest!.Agents.Keys.Should().Equal("solo");
        decision.AspireArgs.Should().Contain("--ClaudeBottle:AutoApprove=true").And.Contain("--ClaudeBottle:Agents:0=solo");
    }

    [Fact]
    public void Attach_without_a_terminal_is_refused()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(Path.Join(dir.Path, "claude-bottle.json"), """{ "agents": { "chat": {} } }""");
        var (decision, _, errors) = Prepare("--manifest", Path.Join(dir.Path, "claude-bottle.json"), "--agent", "chat", "--attach");
        decision.ExitCode.Should().Be(2);
        errors.Should().Contain("needs a terminal");
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_state_folder_someone_else_could_write_ends_the_launch_naming_it()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(Path.Join(dir.Path, "claude-bottle.json"), """{ "agents": { "solo": {} } }""");
        var shared = Directory.CreateDirectory(Path.Join(dir.Path, "shared"));
        shared.UnixFileMode |= UnixFileMode.OtherWrite;

        var (decision, _, errors) = Prepare("--manifest", Path.Join(dir.Path, "claude-bottle.json"), $"--ClaudeBottle:StateRoot={shared.FullName}");

        decision.ExitCode.Should().Be(1);
        errors.Should().Contain(shared.FullName).And.Contain("ClaudeBottle:StateRoot").And.Contain("others can write in it");
    }

    [Fact]
    public void Each_launch_gets_its_own_dashboard_and_telemetry_endpoints_and_keys()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(Path.Join(dir.Path, "claude-bottle.json"), """{ "agents": { "solo": {} } }""");
        string[] Settings() => [.. Prepare("--manifest", Path.Join(dir.Path, "claude-bottle.json")).Decision.AspireArgs
            .Where(a => a.StartsWith("--ASPNETCORE_URLS=", StringComparison.Ordinal) || a.StartsWith("--ASPIRE_DASHBOARD_OTLP", StringComparison.Ordinal) || a.StartsWith("--AppHost:", StringComparison.Ordinal))];

        var first = Settings();
        var second = Settings();

        first.Should().HaveCount(6, "a dashboard address, two OTLP endpoints and three keys");
        first.Should().Contain(a => a.StartsWith("--ASPNETCORE_URLS=http://127.0.0.1:", StringComparison.Ordinal))
            .And.Contain(a => a.StartsWith("--AppHost:OtlpApiKey=", StringComparison.Ordinal));
        first.Should().NotIntersectWith(second, "no two runs share an address or a key");
    }

    [Fact]
    public void A_dashboard_address_something_already_listens_on_is_refused()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(Path.Join(dir.Path, "claude-bottle.json"), """{ "agents": { "solo": {} } }""");
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;

        var (decision, _, errors) = Prepare("--manifest", Path.Join(dir.Path, "claude-bottle.json"), $"--ASPNETCORE_URLS=http://localhost:{port}");

        decision.ExitCode.Should().Be(1);
        errors.Should().Contain("ASPNETCORE_URLS").And.Contain($"port {port}").And.Contain("another app host");
    }
}
