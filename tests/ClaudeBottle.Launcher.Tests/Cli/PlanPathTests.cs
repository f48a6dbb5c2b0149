using ClaudeBottle.Launcher.Cli;
using ClaudeBottle.Launcher.Resolution;

namespace ClaudeBottle.Launcher.Tests.Cli;

/// <summary>The plan a person approves names the real paths that will be mounted, and says which lie outside the manifest's directory.</summary>
public sealed class PlanPathTests
{
    private static (int Exit, string Out, string Err) Check(string manifest)
    {
        var (output, errors) = (new StringWriter(), new StringWriter());
        var exit = CheckCommand.Run(LaunchOptions.Parse(["--check", "--manifest", manifest]), output, errors, _ => null);
        return (exit, output.ToString(), errors.ToString());
    }

    [Fact]
    public void Check_shows_real_paths_and_marks_those_outside_the_manifests_directory()
    {
        using var home = new TempDirectory();
        var key = home.Write(".ssh/deploy_key", "KEY");
        Directory.CreateDirectory(Path.Join(home.Path, "code", "proj"));
        Directory.CreateSymbolicLink(Path.Join(home.Path, "proj-link"), Path.Join(home.Path, "code", "proj"));
        using var dir = new TempDirectory();
        Directory.CreateDirectory(Path.Join(dir.Path, "real-src"));
        Directory.CreateSymbolicLink(Path.Join(dir.Path, "src"), "real-src");
        var manifest = dir.Write("claude-bottle.json", $$"""
            { "bottles": { "default": { "ssh": ["{{key}}"] } },
              "agents": { "inside": { "workspace": "./src" }, "outside": { "workspace": "{{home.Path}}/proj-link" } } }
            """);

        var (exit, output, errors) = Check(manifest);

        exit.Should().Be(0, errors);
        output.Should().Contain("real-src -> /workspace (read-write)");
        output.Should().Contain($"{Path.Join(home.Path, "code", "proj")} {PlanFormatter.OutsideMark} -> /workspace (read-write)");
        output.Should().Contain($"{key} {PlanFormatter.OutsideMark} -> /home/claude/.ssh/deploy_key (read-only)");
        output.Should().NotContain("proj-link");
    }

    [Fact]
    public void Check_refuses_the_repository_that_links_to_the_root_and_a_key_outside_it()
    {
        using var home = new TempDirectory();
        var key = home.Write(".ssh/id_ed25519", "KEY");
        using var dir = new TempDirectory();
        Directory.CreateSymbolicLink(Path.Join(dir.Path, "src"), "/");
        File.CreateSymbolicLink(Path.Join(dir.Path, "deploy_key"), key);
        var manifest = dir.Write("claude-bottle.json", """
            { "bottles": { "default": { "ssh": ["./deploy_key"] } }, "agents": { "a": { "workspace": "./src" } } }
            """);

        var (exit, output, errors) = Check(manifest);

        exit.Should().Be(1);
        output.Should().BeEmpty();
        errors.Should().Contain("claude-bottle.json: agents.a.workspace: './src' leads to /, which is the root of the host's file system")
            .And.Contain($"claude-bottle.json: bottles.default.ssh[0]: './deploy_key' leads outside the manifest's directory through a symbolic link (to {key})");
    }

    [Fact]
    public void The_dashboard_properties_show_the_real_path_too()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(Path.Join(dir.Path, "real-src"));
        Directory.CreateSymbolicLink(Path.Join(dir.Path, "src"), "real-src");
        var manifest = Launcher.Manifest.ManifestLoader.Parse("""{ "agents": { "a": { "workspace": "src" } } }""", "m.json", dir.Path);

        BottleResolver.Resolve(manifest, _ => null).Single().Mounts.Single().Source.Should().Be(Path.Join(dir.Path, "real-src"));
    }
}
