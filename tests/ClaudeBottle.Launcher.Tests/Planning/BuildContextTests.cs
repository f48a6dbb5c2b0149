using System.Diagnostics;
using System.Formats.Tar;
using System.Net.Sockets;
using System.Text;
using ClaudeBottle.Launcher.Cli;
using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Resolution;
using ClaudeBottle.Launcher.Runtime;

namespace ClaudeBottle.Launcher.Tests.Planning;

/// <summary>A build context is read as <c>docker build</c> reads it, and nothing beyond it reaches the engine.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // Links, FIFOs and execute bits are the Unix notions under test.
public sealed class BuildContextTests
{
    private const string Dockerfile = "ARG CLAUDE_BOTTLE_AGENT_IMAGE\nFROM ${CLAUDE_BOTTLE_AGENT_IMAGE}\nCOPY . /ctx/\n";

    private static readonly TimeSpan NoHang = TimeSpan.FromSeconds(20);

    private static ImageSource.Build Source(TempDirectory dir, string context = "ctx") =>
        new(Path.Join(dir.Path, context), Path.Join(dir.Path, context, "Dockerfile"));

    /// <summary>The tar the engine would receive, entry by entry.</summary>
    private static async Task<List<(TarEntryType Type, string Name, string Link, byte[] Data)>> TarOf(ImageSource.Build source, long max = BuildContext.DefaultMaxBytes)
    {
        var recipe = AgentImages.Custom(source, "base:tag", max);
        using var stream = await AgentImageBuilder.TarAsync(recipe.Files, CancellationToken.None);
        var entries = new List<(TarEntryType, string, string, byte[])>();
        using var reader = new TarReader(stream);
        while (await reader.GetNextEntryAsync() is { } entry)
        {
            using var data = new MemoryStream();
            entry.DataStream?.CopyTo(data);
            entries.Add((entry.EntryType, entry.Name, entry.LinkName, data.ToArray()));
        }
        return entries;
    }

    private static void MakeFifo(string path)
    {
        using var mkfifo = Process.Start("mkfifo", path);
        mkfifo.WaitForExit();
        mkfifo.ExitCode.Should().Be(0);
    }

    [Fact]
    public async Task A_symlink_to_the_app_hosts_environment_is_sent_as_a_link_never_as_its_contents()
    {
        using var dir = new TempDirectory();
        dir.Write("ctx/Dockerfile", Dockerfile);
        var secret = dir.Write("host-secret.txt", "HOST-SECRET-NEVER-SENT");
        File.CreateSymbolicLink(Path.Join(dir.Path, "ctx", "env"), "/proc/self/environ");
        File.CreateSymbolicLink(Path.Join(dir.Path, "ctx", "key"), secret);
        Directory.CreateSymbolicLink(Path.Join(dir.Path, "ctx", "etc"), "/etc");
        Directory.CreateSymbolicLink(Path.Join(dir.Path, "ctx", "up"), "..");

        var entries = await TarOf(Source(dir));

        entries.Should().ContainEquivalentOf((TarEntryType.SymbolicLink, "env", "/proc/self/environ", Array.Empty<byte>()));
        entries.Should().ContainEquivalentOf((TarEntryType.SymbolicLink, "key", secret, Array.Empty<byte>()));
        entries.Should().ContainEquivalentOf((TarEntryType.SymbolicLink, "etc", "/etc", Array.Empty<byte>()));
        entries.Should().ContainEquivalentOf((TarEntryType.SymbolicLink, "up", "..", Array.Empty<byte>()));
        entries.Select(e => e.Name).Should().BeEquivalentTo(["Dockerfile", "env", "key", "etc", "up"], "nothing is read through a link to a directory");
        var sent = entries.SelectMany(e => e.Data).ToArray();
        var environment = File.ReadAllBytes("/proc/self/environ");
        Encoding.Latin1.GetString(sent).Should().NotContain(Encoding.Latin1.GetString(environment[..Math.Min(64, environment.Length)]))
            .And.NotContain("HOST-SECRET-NEVER-SENT");
    }

    [Fact]
    public async Task Files_directories_and_execute_bits_travel_as_docker_sends_them()
    {
        using var dir = new TempDirectory();
        dir.Write("ctx/Dockerfile", Dockerfile);
        var script = dir.Write("ctx/bin/setup.sh", "#!/bin/sh\n");
        File.SetUnixFileMode(script, File.GetUnixFileMode(script) | UnixFileMode.UserExecute);
        Directory.CreateDirectory(Path.Join(dir.Path, "ctx", "empty"));

        var entries = await TarOf(Source(dir));

        entries.Select(e => (e.Type, e.Name)).Should().Equal(
            (TarEntryType.RegularFile, "Dockerfile"), (TarEntryType.Directory, "bin"), (TarEntryType.RegularFile, "bin/setup.sh"), (TarEntryType.Directory, "empty"));
        Encoding.UTF8.GetString(entries[2].Data).Should().Be("#!/bin/sh\n");
    }

    [Fact]
    public async Task Dockerignore_is_honoured_and_never_drops_the_dockerfile_or_itself()
    {
        using var dir = new TempDirectory();
        dir.Write("ctx/Dockerfile", Dockerfile);
        dir.Write("ctx/.dockerignore", "# everything but what the image needs\n*\n!src\nsrc/**/*.log\n!src/keep.log\n/secrets\n");
        dir.Write("ctx/src/app.py", "print()");
        dir.Write("ctx/src/deep/debug.log", "x");
        dir.Write("ctx/src/keep.log", "x");
        dir.Write("ctx/secrets/key", "x");
        dir.Write("ctx/notes.md", "x");
        // An ignored FIFO is never looked at, as with docker build.
        Directory.CreateDirectory(Path.Join(dir.Path, "ctx", "cache"));
        MakeFifo(Path.Join(dir.Path, "ctx", "cache", "pipe"));

        var entries = await TarOf(Source(dir)).WaitAsync(NoHang);

        entries.Select(e => e.Name).Should().BeEquivalentTo("Dockerfile", ".dockerignore", "src", "src/app.py", "src/deep", "src/keep.log");
    }

    [Fact]
    public async Task The_dockerfiles_own_ignore_file_replaces_the_contexts()
    {
        using var dir = new TempDirectory();
        dir.Write("ctx/build/app.Dockerfile", Dockerfile);
        dir.Write("ctx/build/app.Dockerfile.dockerignore", "*.md\n");
        dir.Write("ctx/.dockerignore", "*.txt\n");
        dir.Write("ctx/a.md", "x");
        dir.Write("ctx/a.txt", "x");

        var recipe = AgentImages.Custom(new ImageSource.Build(Path.Join(dir.Path, "ctx"), Path.Join(dir.Path, "ctx", "build", "app.Dockerfile")), "base:tag");

        recipe.Build.Dockerfile.Should().Be("build/app.Dockerfile");
        recipe.Files.Select(f => f.Name).Should().Contain("a.txt").And.NotContain("a.md");
    }

    [SkippableTheory]
    [InlineData("fifo", "named pipe (FIFO)")]
    [InlineData("socket", "socket")]
    [InlineData("device", "device")]
    public async Task A_special_file_is_refused_by_name_without_hanging(string kind, string described)
    {
        using var dir = new TempDirectory();
        dir.Write("ctx/Dockerfile", Dockerfile);
        var path = Path.Join(dir.Path, "ctx", "sub", "special");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        if (kind == "fifo") MakeFifo(path);
        else if (kind == "socket") socket.Bind(new UnixDomainSocketEndPoint(path));
        else
        {
            // /dev/null's numbers: only root may make a device node.
            using var mknod = Process.Start(new ProcessStartInfo("mknod", [path, "c", "1", "3"]) { RedirectStandardError = true })!;
            mknod.WaitForExit();
            Skip.If(mknod.ExitCode != 0, "making a device node needs root");
        }

        var read = () => Task.Run(() => AgentImages.Custom(Source(dir), "base:tag")).WaitAsync(NoHang);
        var scan = () => Task.Run(() => BuildContext.Scan(Path.Join(dir.Path, "ctx"), "Dockerfile", BuildContext.DefaultMaxBytes)).WaitAsync(NoHang);

        foreach (var attempt in new Func<Task>[] { read, scan })
            (await attempt.Should().ThrowAsync<BuildContextException>()).Which.Message.Should()
                .Contain($"'sub/special' is a {described}").And.Contain(Path.Join(dir.Path, "ctx")).And.Contain(".dockerignore");
    }

    [Fact]
    public void A_context_over_the_cap_is_refused_saying_how_to_raise_it()
    {
        using var dir = new TempDirectory();
        dir.Write("ctx/Dockerfile", Dockerfile);
        dir.Write("ctx/big.bin", new string('x', 8192));

        FluentActions.Invoking(() => AgentImages.Custom(Source(dir), "base:tag", maxContextBytes: 4096)).Should().Throw<BuildContextException>()
            .WithMessage("*larger than 4 KiB*--ClaudeBottle:MaxBuildContextSize=1g*ClaudeBottle__MaxBuildContextSize*");
        AgentImages.Custom(Source(dir), "base:tag", maxContextBytes: 16384).Files.Should().HaveCount(2);
    }

    [Fact]
    public void The_plan_and_check_look_at_metadata_only_never_at_contents()
    {
        using var dir = new TempDirectory();
        dir.Write("ctx/Dockerfile", Dockerfile);
        // 64 GiB that no one could read in time, nor hold in memory: only a look that never opens it can size it.
        using (var sparse = File.Create(Path.Join(dir.Path, "ctx", "huge.bin")))
            sparse.SetLength(64L << 30);
        var manifest = ManifestLoader.Parse("""{ "bottles": { "default": { "build": { "context": "ctx" } } }, "agents": { "a": {} } }""",
            Path.Join(dir.Path, "claude-bottle.json"), dir.Path);
        var bottle = BottleResolver.Resolve(manifest, _ => null).Single();

        var timer = Stopwatch.StartNew();
        var plan = PlanFormatter.Format(bottle, dir.Path, maxContextBytes: 128L << 30);
        var summary = BuildContext.Scan(Path.Join(dir.Path, "ctx"), "Dockerfile", 128L << 30);

        timer.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5));
        plan.Should().Contain("  context:    ctx: 2 files, 0 directories, 0 symbolic links, 64 GiB");
        summary.Bytes.Should().Be((64L << 30) + Dockerfile.Length);
        FluentActions.Invoking(() => AgentImages.Custom(Source(dir), "base:tag", 128L << 30)).Should().Throw<BuildContextException>()
            .WithMessage("*'huge.bin' is larger than*", "reading it, as a build does, is another matter");
    }

    [Fact]
    public void The_plan_shows_the_real_path_of_a_context_outside_the_manifests_folder()
    {
        using var outside = new TempDirectory();
        outside.Write("Dockerfile", Dockerfile);
        using var dir = new TempDirectory();
        var manifest = ManifestLoader.Parse($$"""{ "bottles": { "default": { "build": { "context": "{{outside.Path}}" } } }, "agents": { "a": {} } }""",
            Path.Join(dir.Path, "claude-bottle.json"), dir.Path);

        var plan = PlanFormatter.Format(BottleResolver.Resolve(manifest, _ => null).Single(), dir.Path);

        plan.Should().Contain($"  context:    {outside.Path} {PlanFormatter.OutsideMark}: 1 file, 0 directories, 0 symbolic links, {Dockerfile.Length} bytes");
    }

    [Fact]
    public void What_was_read_is_compared_with_what_was_shown()
    {
        using var dir = new TempDirectory();
        dir.Write("ctx/Dockerfile", Dockerfile);
        var shown = BuildContext.Scan(Path.Join(dir.Path, "ctx"), "Dockerfile", BuildContext.DefaultMaxBytes);

        AgentImages.Custom(Source(dir), "base:tag").Context!.Fingerprint.Should().Be(shown.Fingerprint, "nothing changed");
        File.CreateSymbolicLink(Path.Join(dir.Path, "ctx", "added"), "/etc/passwd");
        AgentImages.Custom(Source(dir), "base:tag").Context!.Fingerprint.Should().NotBe(shown.Fingerprint);
    }

    [Fact]
    public void A_context_whose_path_became_a_link_since_it_was_checked_is_refused()
    {
        using var dir = new TempDirectory();
        dir.Write("ctx/Dockerfile", Dockerfile);
        using var elsewhere = new TempDirectory();
        elsewhere.Write("Dockerfile", Dockerfile);
        var source = Source(dir);
        Directory.Move(Path.Join(dir.Path, "ctx"), Path.Join(dir.Path, "moved"));
        Directory.CreateSymbolicLink(Path.Join(dir.Path, "ctx"), elsewhere.Path);

        FluentActions.Invoking(() => AgentImages.Custom(source, "base:tag")).Should().Throw<BuildContextException>()
            .WithMessage("*is no longer the directory that was checked*");
    }

    [Theory]
    [InlineData("link-out", "lies outside the build context")]
    [InlineData("fifo", "is not a regular file")]
    public void The_dockerfile_must_be_a_regular_file_inside_the_context(string kind, string problem)
    {
        using var dir = new TempDirectory();
        var outside = dir.Write("elsewhere/Dockerfile", Dockerfile);
        Directory.CreateDirectory(Path.Join(dir.Path, "ctx"));
        if (kind == "fifo") MakeFifo(Path.Join(dir.Path, "ctx", "Dockerfile"));
        else File.CreateSymbolicLink(Path.Join(dir.Path, "ctx", "Dockerfile"), outside);

        FluentActions.Invoking(() => ManifestLoader.Parse("""{ "bottles": { "default": { "build": { "context": "ctx" } } }, "agents": { "a": {} } }""",
                Path.Join(dir.Path, "claude-bottle.json"), dir.Path))
            .Should().Throw<ManifestException>().WithMessage($"*bottles.default.build.dockerfile*{problem}*");
    }
    [Theory]
    [InlineData("/", "is the root of the host's file system")]
    [InlineData("~", "is your home directory itself")]
    [InlineData("/etc", "is in the system folder /etc")]
    [InlineData("~/.ssh", "where credentials live")]
    [InlineData("./linked", "leads outside the manifest's directory through a symbolic link")]
    public void A_context_in_a_refused_place_or_led_out_by_a_link_is_refused_when_loaded(string context, string problem)
    {
        using var dir = new TempDirectory();
        using var elsewhere = new TempDirectory();
        Directory.CreateSymbolicLink(Path.Join(dir.Path, "linked"), elsewhere.Path);

        FluentActions.Invoking(() => ManifestLoader.Parse($$"""{ "bottles": { "default": { "build": { "context": "{{context}}" } } }, "agents": { "a": {} } }""",
                Path.Join(dir.Path, "claude-bottle.json"), dir.Path))
            .Should().Throw<ManifestException>().WithMessage($"*bottles.default.build.context: '{context}'*{problem}*");
    }
    [Fact]
    public void A_context_replaced_by_another_directory_since_it_was_loaded_is_not_read()
    {
        using var dir = new TempDirectory();
        dir.Write("ctx/Dockerfile", Dockerfile);
        var manifest = ManifestLoader.Parse("""{ "bottles": { "default": { "build": { "context": "ctx" } } }, "agents": { "a": {} } }""",
            Path.Join(dir.Path, "claude-bottle.json"), dir.Path);
        var source = (ImageSource.Build)BottleResolver.Resolve(manifest, _ => null).Single().Image;
        Directory.Move(Path.Join(dir.Path, "ctx"), Path.Join(dir.Path, "approved"));
        dir.Write("ctx/Dockerfile", Dockerfile);

        FluentActions.Invoking(() => AgentImages.Custom(source, "base:tag")).Should().Throw<BuildContextException>()
            .WithMessage("*bottles.default.build.context*was replaced since the plan was approved*");
    }
}
