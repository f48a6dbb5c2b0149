using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using ClaudeBottle.Launcher.Manifest;

namespace ClaudeBottle.Launcher.Tests.Manifest;

/// <summary>
/// The workspace and ssh files are judged by what they really lead to (symbolic links followed), with real links,
/// pipes and sockets made in temporary directories.
/// </summary>
public sealed class MountPathTests
{
    private static IReadOnlyList<ManifestError> Errors(string manifest) =>
        Assert.Throws<ManifestException>(() => ManifestLoader.Load(manifest)).Errors;

    private static string Manifest(TempDirectory dir, string? workspace = null, params string[] ssh)
    {
        var agent = workspace is null ? "{}" : $$"""{ "workspace": {{JsonSerializer.Serialize(workspace)}} }""";
        return dir.Write("claude-bottle.json", $$"""
            { "bottles": { "default": { "ssh": {{JsonSerializer.Serialize(ssh)}} } }, "agents": { "a": {{agent}} } }
            """);
    }

    internal static void MakeFifo(string path)
    {
        using var mkfifo = Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        mkfifo.ExitCode.Should().Be(0);
    }

    internal static Socket MakeSocket(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        return socket;
    }

    [Fact]
    public void A_repository_shipping_links_to_the_root_and_to_a_key_outside_it_is_refused()
    {
        using var home = new TempDirectory();
        var key = home.Write(".ssh/id_ed25519", "PRIVATE KEY");
        using var repo = new TempDirectory();
        Directory.CreateSymbolicLink(Path.Join(repo.Path, "src"), "/");
        File.CreateSymbolicLink(Path.Join(repo.Path, "deploy_key"), key);

        var errors = Errors(Manifest(repo, "./src", "./deploy_key"));

        errors.Should().HaveCount(2);
        errors.Should().Contain(e => e.Path == "agents.a.workspace" && e.Message.Contains("'./src' leads to /, which is the root of the host's file system"));
        errors.Should().Contain(e => e.Path == "bottles.default.ssh[0]" &&
                                     e.Message.Contains($"'./deploy_key' leads outside the manifest's directory through a symbolic link (to {key})") &&
                                     e.Message.Contains("write that path in the manifest"));
        errors.Should().OnlyContain(e => e.File.EndsWith("claude-bottle.json"));
    }

    [Theory]
    [InlineData("/", "is the root of the host's file system")]
    [InlineData("~", "is your home directory itself")]
    [InlineData("~/", "is your home directory itself")]
    [InlineData("/etc", "is in the system folder /etc")]
    [InlineData("/usr/lib", "is in the system folder /usr")]
    [InlineData("/var", "holds the system folder /var/")]
    [InlineData("/var/lib/docker/..", "is in the system folder /var/lib")]
    [InlineData("/proc/self", "is in the system folder /proc")]
    [InlineData("/tmp", "is the machine's shared temporary folder")]
    public void A_workspace_of_the_system_or_the_whole_home_is_refused(string workspace, string reason)
    {
        using var dir = new TempDirectory();

        var error = Errors(Manifest(dir, workspace)).Single();

        error.Path.Should().Be("agents.a.workspace");
        error.Message.Should().Contain(reason).And.Contain("no bottle may mount it").And.Contain("name a project directory of your own");
    }

    [Fact]
    public void A_folder_holding_the_home_directory_is_refused()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        using var dir = new TempDirectory();

        Errors(Manifest(dir, Path.GetDirectoryName(home)!)).Single().Message.Should().MatchRegex("root of the host|holds your home directory");
    }

    [Theory]
    [InlineData("~/.ssh")]
    [InlineData("~/.aws/sso")]
    public void A_workspace_in_a_credentials_folder_of_the_home_directory_is_refused(string workspace)
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        using var dir = new TempDirectory();

        Errors(Manifest(dir, workspace)).Single().Message.Should().Contain($"is in {Path.Join(home, workspace.Split('/')[1])}, where credentials live");
    }

    [Fact]
    public void Ssh_entries_must_be_regular_files_not_pipes_sockets_devices_or_directories()
    {
        using var dir = new TempDirectory();
        MakeFifo(Path.Join(dir.Path, "fifo"));
        using var socket = MakeSocket(Path.Join(dir.Path, "agent.sock"));
        Directory.CreateDirectory(Path.Join(dir.Path, "keys"));

        var errors = Errors(Manifest(dir, null, "fifo", "agent.sock", "keys", "/dev/null", "/var/run/docker.sock", "~/.ssh-nope/id"));

        errors.Should().HaveCount(6);
        errors.Should().Contain(e => e.Path == "bottles.default.ssh[0]" && e.Message.Contains("is a named pipe (FIFO)"));
        errors.Should().Contain(e => e.Path == "bottles.default.ssh[1]" && e.Message.Contains("is a socket"));
        errors.Should().Contain(e => e.Path == "bottles.default.ssh[2]" && e.Message.Contains("'keys' is not a file") && e.Message.Contains("is a directory"));
        errors.Should().Contain(e => e.Path == "bottles.default.ssh[3]" && e.Message.Contains("system folder /dev"));
        errors.Should().Contain(e => e.Path == "bottles.default.ssh[4]" && e.Message.Contains("no bottle may mount it"));
        errors.Should().Contain(e => e.Path == "bottles.default.ssh[5]" && e.Message.Contains("is not a file") && e.Message.Contains("it does not exist"));
        errors.Should().OnlyContain(e => e.Message.Contains("ssh entries are single key files"));
    }

    [Fact]
    public void A_workspace_that_is_a_file_or_a_link_loop_is_refused()
    {
        using var dir = new TempDirectory();
        dir.Write("notes.txt", "x");
        File.CreateSymbolicLink(Path.Join(dir.Path, "a"), "b");
        File.CreateSymbolicLink(Path.Join(dir.Path, "b"), "a");

        Errors(Manifest(dir, "notes.txt")).Single().Message.Should().Contain("is not a directory").And.Contain("is a file");
        Errors(Manifest(dir, "a")).Single().Message.Should().Contain("its symbolic links loop");
    }

    [Fact]
    public void A_workspace_outside_the_manifest_directory_is_allowed_by_its_real_path_and_marked()
    {
        using var elsewhere = new TempDirectory();
        Directory.CreateDirectory(Path.Join(elsewhere.Path, "real"));
        Directory.CreateSymbolicLink(Path.Join(elsewhere.Path, "link"), Path.Join(elsewhere.Path, "real"));
        using var dir = new TempDirectory();

        var workspace = ManifestLoader.Load(Manifest(dir, Path.Join(elsewhere.Path, "link"))).Agents["a"].Workspace!;

        workspace.RealPath.Should().Be(Path.Join(elsewhere.Path, "real"));
        workspace.OutsideManifest.Should().BeTrue();
        workspace.Approved.Kind.Should().Be(HostFileKind.Directory);
        workspace.Approved.Inode.Should().NotBe(0UL);
    }

    [Fact]
    public void A_link_that_stays_inside_the_manifest_directory_is_followed_to_its_real_path()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(Path.Join(dir.Path, "code"));
        Directory.CreateSymbolicLink(Path.Join(dir.Path, "src"), "code");

        var workspace = ManifestLoader.Load(Manifest(dir, "./src")).Agents["a"].Workspace!;

        workspace.RealPath.Should().Be(Path.Join(dir.Path, "code"));
        workspace.OutsideManifest.Should().BeFalse();
    }

    [Fact]
    public void An_ssh_file_name_that_compose_would_fill_in_is_refused()
    {
        using var dir = new TempDirectory();
        dir.Write("id_${HOME}", "key");

        Errors(Manifest(dir, null, "id_${HOME}")).Single().Message.Should().Contain("cannot name a mount");
    }
}
