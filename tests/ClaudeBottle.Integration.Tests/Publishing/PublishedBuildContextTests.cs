using System.Diagnostics;
using ClaudeBottle.Integration.Tests.Docker;
using ClaudeBottle.Integration.Tests.Hosting;

namespace ClaudeBottle.Integration.Tests.Publishing;

/// <summary>
/// <c>--operation publish</c> through the real app host, of a bottle whose build context links to host files: the
/// output holds the links as links and none of what they point to.
/// </summary>
public sealed class PublishedBuildContextTests
{
    private const string Marker = "HOST-FILE-THAT-MUST-NOT-BE-PUBLISHED";

    [SkippableFact]
    public async Task A_published_build_context_keeps_links_as_links_and_holds_no_host_file()
    {
        await TestEngine.RequireAsync();
        var manifest = AppHostRun.WriteManifest("""{ "bottles": { "default": { "build": { "context": "image" } } }, "agents": { "own": {} } }""");
        var outside = Directory.CreateTempSubdirectory("claude-bottle-outside-").FullName;
        try
        {
            var hostFile = Path.Join(outside, "secret.txt");
            File.WriteAllText(hostFile, Marker);
            var context = Directory.CreateDirectory(Path.Join(manifest, "image")).FullName;
            File.WriteAllText(Path.Join(context, "Dockerfile"), "ARG CLAUDE_BOTTLE_AGENT_IMAGE\nFROM ${CLAUDE_BOTTLE_AGENT_IMAGE}\n");
            File.CreateSymbolicLink(Path.Join(context, "secret"), hostFile);
            File.CreateSymbolicLink(Path.Join(context, "env"), "/proc/self/environ");
            Directory.CreateSymbolicLink(Path.Join(context, "outside"), outside);
            var output = Path.Join(manifest, "out");

            var start = new ProcessStartInfo(Path.Join(AppContext.BaseDirectory, "ClaudeBottle.AppHost"),
                ["--manifest", Path.Join(manifest, "claude-bottle.json"), "--operation", "publish", "--step", "publish", "--output-path", output])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = manifest,
            };
            start.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            process.ExitCode.Should().Be(0, "publish printed:\n{0}{1}", await stdout, await stderr);

            var published = Path.Join(output, "images", "own");
            new FileInfo(Path.Join(published, "secret")).LinkTarget.Should().Be(hostFile);
            new FileInfo(Path.Join(published, "env")).LinkTarget.Should().Be("/proc/self/environ");
            new DirectoryInfo(Path.Join(published, "outside")).LinkTarget.Should().Be(outside);
            // Links skipped and not walked: what was written as a file, not what a link leads to.
            var written = new DirectoryInfo(output).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint })
                .ToList();
            written.Should().NotBeEmpty();
            written.Should().OnlyContain(f => !File.ReadAllText(f.FullName).Contains(Marker), "no host file's content is published");
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
            Directory.Delete(manifest, recursive: true);
        }
    }
}
