using System.Text;
using ClaudeBottle.Launcher.Publishing.Kubernetes;
using k8s.Models;

namespace ClaudeBottle.Launcher.Tests.Publishing.Kubernetes;

/// <summary>
/// Offline validation, since no cluster runs here: every published document is read back through KubernetesClient's
/// typed models (Kubernetes API v1.37.0) with unknown fields refused, and the fields the API server requires are checked.
/// </summary>
public sealed class KubernetesValidationTests
{
    public static TheoryData<string> Manifests => ["example", "issue-example.jsonc", "several-bottles-and-agents.jsonc", "resume.jsonc", "minimal.jsonc",
        "image-reference.jsonc", "allowlist-normalised.jsonc", "jsonc-comments-trailing-commas.jsonc"];

    private static SortedDictionary<string, byte[]> Publish(string manifest) => manifest == "example"
        ? KubernetesPublisher.Publish(KubernetesPublished.Example(), KubernetesPublished.Settings)
        : KubernetesPublished.Publish(manifest);

    [Fact]
    public void The_models_are_those_of_Kubernetes_1_37() =>
        GeneratedModelVersion.SwaggerVersion.Should().Be("v1.37.0", "docs/publish.md names this version");

    [Theory]
    [MemberData(nameof(Manifests))]
    public void Every_published_document_reads_back_strictly_and_has_what_the_API_server_requires(string manifest)
    {
        var files = Publish(manifest);
        foreach (var (path, content) in files.Where(f => f.Key.EndsWith(".yaml", StringComparison.Ordinal)))
        {
            var text = Encoding.UTF8.GetString(content);
            var objects = KubernetesObjects.Strict(text);
            objects.Should().NotBeEmpty(path);
            KubernetesRequiredFields.Problems(objects).Should().BeEmpty(path);
            // Read back and written again, each document is what was published: nothing was dropped or added on the way.
            var again = string.Join("", objects.Select(o => "---\n" + k8s.KubernetesYaml.Serialize(o).ReplaceLineEndings("\n").TrimEnd('\n') + "\n"));
            text[text.IndexOf("---\n", StringComparison.Ordinal)..].Should().Be(again, path);
        }
    }

    [Fact]
    public void Publishing_from_the_shipped_example_gives_its_bottle_a_job()
    {
        var files = Publish("example");
        files.Keys.Should().Equal("bottles/hello.yaml", "namespaces.yaml", "secrets/.gitignore", "secrets/hello.example.yaml");
        KubernetesObjects.Strict(KubernetesPublished.Text(files, "bottles/hello.yaml")).OfType<V1Job>().Should().ContainSingle("the example's agent has a prompt");
    }

    [Fact]
    public void An_unknown_field_is_refused()
    {
        var text = KubernetesPublished.Text(Publish("minimal.jsonc"), "namespaces.yaml");
        KubernetesObjects.Strict(text).Should().NotBeEmpty();
        var seeded = text.Replace("kind: Namespace\n", "kind: Namespace\nspecc: {}\n", StringComparison.Ordinal);
        seeded.Should().NotBe(text);
        var read = () => KubernetesObjects.Strict(seeded);
        read.Should().Throw<Exception>().Which.ToString().Should().Contain("specc");
        var lenient = () => k8s.KubernetesYaml.LoadAllFromString(seeded, typeMap: null, strict: false);
        lenient.Should().NotThrow("it is the strict reading that refuses the field");
    }

    [Fact]
    public void A_value_of_the_wrong_type_is_refused()
    {
        var text = Bottle("minimal.jsonc");
        var seeded = text.Replace("  replicas: 1\n", "  replicas: [one]\n", StringComparison.Ordinal);
        seeded.Should().NotBe(text);
        var read = () => KubernetesObjects.Strict(seeded);
        read.Should().Throw<Exception>();

        var boolean = text.Replace("runAsNonRoot: true", "runAsNonRoot: perhaps", StringComparison.Ordinal);
        read = () => KubernetesObjects.Strict(boolean);
        read.Should().Throw<Exception>();
    }

    [Fact]
    public void A_missing_required_field_or_a_dangling_reference_is_reported()
    {
        var text = Bottle("minimal.jsonc");
        var noSelector = text.Replace("  selector:\n    matchLabels:\n      io.claude-bottle.role: proxy\n", "", StringComparison.Ordinal);
        noSelector.Should().NotBe(text);
        KubernetesRequiredFields.Problems(KubernetesObjects.Strict(noSelector)).Should().Contain(p => p.Contains("spec.selector", StringComparison.Ordinal));

        var dangling = text.Replace("- mountPath: /etc/pipelock\n          name: config", "- mountPath: /etc/pipelock\n          name: konfig", StringComparison.Ordinal);
        dangling.Should().NotBe(text);
        KubernetesRequiredFields.Problems(KubernetesObjects.Strict(dangling)).Should().Contain(p => p.Contains("'konfig'", StringComparison.Ordinal));
    }

    private static string Bottle(string manifest)
    {
        var files = Publish(manifest);
        return KubernetesPublished.Text(files, files.Keys.First(k => k.StartsWith("bottles/", StringComparison.Ordinal)));
    }
}
