using ClaudeBottle.Launcher.Manifest;

namespace ClaudeBottle.Launcher.Tests.Manifest;

/// <summary>Manifests of one bottle, <c>dev</c>, used by one agent, <c>a</c>: the bottle's JSON is what a test varies.</summary>
internal static class BottleJson
{
    public const string File = "m.json";

    public static string Manifest(string bottle) =>
        $$"""{ "bottles": { "dev": {{bottle}} }, "agents": { "a": { "bottle": "dev" } } }""";

    public static BottleSpec Load(string bottle) => ManifestLoader.Parse(Manifest(bottle), File, Path.GetTempPath()).Bottles["dev"];

    public static IReadOnlyList<ManifestError> Errors(string bottle) =>
        Assert.Throws<ManifestException>(() => ManifestLoader.Parse(Manifest(bottle), File, Path.GetTempPath())).Errors;

    /// <summary>The one error a bottle gives; fails showing all of them when there are more.</summary>
    public static ManifestError Error(string bottle)
    {
        var errors = Errors(bottle);
        errors.Should().ContainSingle("one problem, one error: {0}", string.Join("; ", errors));
        errors[0].File.Should().Be(File);
        return errors[0];
    }
}
