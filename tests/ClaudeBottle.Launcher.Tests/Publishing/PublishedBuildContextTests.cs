using System.Text;
using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Publishing;

namespace ClaudeBottle.Launcher.Tests.Publishing;

/// <summary>A published deployment copies a build context by the rules of a build: nothing from outside, no link followed.</summary>
public sealed class PublishedBuildContextTests
{
    private const string Manifest = """{ "bottles": { "default": { "build": { "context": "image" } } }, "agents": { "a": {} } }""";

    [Fact]
    public void Links_are_published_as_links_and_dockerignore_is_honoured()
    {
        using var dir = new TempDirectory();
        dir.Write("image/Dockerfile", "FROM x\n");
        dir.Write("image/.dockerignore", "secrets\n");
        dir.Write("image/secrets/token", "IGNORED-SECRET");
        var hostFile = dir.Write("host.txt", "HOST-FILE-NEVER-PUBLISHED");
        File.CreateSymbolicLink(Path.Join(dir.Path, "image", "env"), "/proc/self/environ");
        File.CreateSymbolicLink(Path.Join(dir.Path, "image", "host"), hostFile);
        var manifest = ManifestLoader.Parse(Manifest, Path.Join(dir.Path, "claude-bottle.json"), dir.Path);
        var links = new SortedDictionary<string, string>(StringComparer.Ordinal);

        var files = ComposePublisher.Publish(ComposePublisher.Resolve(manifest), new PublishSettings { ManifestDirectory = dir.Path }, links: links);

        links.Should().Equal(new Dictionary<string, string> { ["images/a/env"] = "/proc/self/environ", ["images/a/host"] = hostFile });
        files.Keys.Where(k => k.StartsWith("images/a/", StringComparison.Ordinal)).Should().BeEquivalentTo("images/a/Dockerfile", "images/a/.dockerignore");
        var published = Encoding.Latin1.GetString(files.Values.SelectMany(v => v).ToArray());
        var environment = File.ReadAllBytes("/proc/self/environ");
        published.Should().NotContain("HOST-FILE-NEVER-PUBLISHED").And.NotContain("IGNORED-SECRET")
            .And.NotContain(Encoding.Latin1.GetString(environment[..Math.Min(64, environment.Length)]));
    }

    [Fact]
    public void A_context_outside_the_manifests_folder_is_not_published()
    {
        using var outside = new TempDirectory();
        outside.Write("Dockerfile", "FROM x\n");
        using var dir = new TempDirectory();
        var manifest = ManifestLoader.Parse(Manifest.Replace("\"image\"", $"\"{outside.Path}\"", StringComparison.Ordinal), Path.Join(dir.Path, "claude-bottle.json"), dir.Path);

        FluentActions.Invoking(() => ComposePublisher.Publish(ComposePublisher.Resolve(manifest), new PublishSettings { ManifestDirectory = dir.Path }))
            .Should().Throw<BuildContextException>().WithMessage($"*{outside.Path}*lies outside the manifest's folder*move the context*");
    }
}
