using ClaudeBottle.Launcher.Manifest;

namespace ClaudeBottle.Launcher.Tests.Manifest;

public sealed class ManifestCorpusTests
{
    public static TheoryData<string> Valid => Corpus.Names("valid");
    public static TheoryData<string> Invalid => Corpus.Names("invalid");

    [Theory]
    [MemberData(nameof(Valid))]
    public void Valid_manifests_load(string name)
    {
        var manifest = ManifestLoader.Load(Corpus.File("valid", name));

        manifest.Agents.Should().NotBeEmpty();
        manifest.Bottles.Should().ContainKey(BottleManifest.DefaultBottle);
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_manifests_report_every_error_with_file_path_and_reason(string name)
    {
        var file = Corpus.File("invalid", name);
        var expected = Corpus.Expectations(file);
        expected.Should().NotBeEmpty("every invalid corpus file states the errors it must produce");

        var errors = Assert.Throws<ManifestException>(() => ManifestLoader.Load(file)).Errors;

        errors.Should().HaveCount(expected.Count, "all errors are reported at once, and no others: {0}", string.Join("; ", errors));
        foreach (var (path, message) in expected)
            errors.Should().Contain(e => e.Path == path && e.Message.Contains(message, StringComparison.Ordinal),
                "expected an error at '{0}' saying '{1}', got: {2}", path, message, string.Join("; ", errors));
        errors.Should().OnlyContain(e => e.File == file);
    }

    [Fact]
    public void The_invalid_corpus_has_at_least_thirty_cases() =>
        Invalid.Count.Should().BeGreaterThanOrEqualTo(30);
}
