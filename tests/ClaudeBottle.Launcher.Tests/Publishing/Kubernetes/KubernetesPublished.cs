using System.Text;
using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Publishing;
using ClaudeBottle.Launcher.Publishing.Kubernetes;
using ClaudeBottle.Launcher.Resolution;

namespace ClaudeBottle.Launcher.Tests.Publishing.Kubernetes;

/// <summary>Publishes the tests' manifests (and the shipped example) for Kubernetes, resolved as every publish target resolves them.</summary>
internal static class KubernetesPublished
{
    public static readonly KubernetesSettings Settings = new();

    public static IReadOnlyList<ResolvedBottle> Bottles(string corpusFile) =>
        PublishResolution.Resolve(ManifestLoader.Load(Tests.Manifest.Corpus.File("valid", corpusFile)));

    public static IReadOnlyList<ResolvedBottle> Example() =>
        PublishResolution.Resolve(ManifestLoader.Load(TestFiles.Output("example", "claude-bottle.json")));

    public static SortedDictionary<string, byte[]> Publish(string corpusFile) => KubernetesPublisher.Publish(Bottles(corpusFile), Settings);

    public static string Text(SortedDictionary<string, byte[]> files, string path) => Encoding.UTF8.GetString(files[path]);
}
