using System.Text;
using System.Text.Json;
using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Resolution;

namespace ClaudeBottle.Launcher.Publishing;

/// <summary>
/// A bottle's edge in a compose deployment. Run mode hands the edge its real values over stdin; a deployment has no
/// launcher to do that, so the edge reads them from a compose secret, <see cref="EdgeProxy.SecretsFile"/>, whose file
/// the operator fills in on the target machine (<c>secrets/&lt;agent&gt;.json</c>). The deployment itself holds no value:
/// only an example of that file, with the names and empty values.
/// </summary>
internal static class ComposeEdge
{
    /// <summary>Where the operators' secrets files live in the output; the publisher writes only examples and a .gitignore there.</summary>
    public const string SecretsDirectory = "secrets";

    public const string ExampleSuffix = ".example";

    public const string GitIgnoreFile = SecretsDirectory + "/.gitignore";

    /// <summary>Nothing in the folder goes into version control but the publisher's own files.</summary>
    public static readonly byte[] GitIgnore = Encoding.UTF8.GetBytes(
        "# The real credential values: never commit them. Only the examples (names, empty values) are published.\n" +
        "*\n!.gitignore\n!*.json" + ExampleSuffix + "\n");

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>The edge image's tag, its build context written into <paramref name="files"/> unless a ready image is named.</summary>
    public static (string Image, ComposeBuild? Build) Image(PublishSettings settings, SortedDictionary<string, byte[]> files) =>
        ComposeImages.Product("edge", AgentImages.EdgePlan(settings.AgentImage, settings.EdgeImage), files);

    /// <summary>The edge's configuration file in the output (placeholders and the scan API token, never a value).</summary>
    public static string ConfigFile(string bottle) => $"edge/{bottle}.json";

    /// <summary>The file the operator fills in with the bottle's real values.</summary>
    public static string SecretsFile(string bottle) => $"{SecretsDirectory}/{bottle}.json";

    /// <summary>
    /// Builds <paramref name="edge"/> from <paramref name="build"/> and mounts the bottle's secrets file where the edge
    /// reads it when its stdin is empty (compose gives it none); writes the file's example.
    /// </summary>
    public static void Wire(ComposeFile compose, ComposeService edge, ComposeBuild? build, ResolvedBottle bottle, SortedDictionary<string, byte[]> files)
    {
        edge.Build = build;
        var secret = $"{bottle.Name}-edge-secrets";
        compose.Secrets[secret] = new ComposeSecret { File = $"./{SecretsFile(bottle.Name)}" };
        edge.Secrets = [new ComposeServiceSecret { Source = secret, Target = Path.GetFileName(EdgeProxy.SecretsFile) }];
        files[SecretsFile(bottle.Name) + ExampleSuffix] = Example(bottle);
    }

    /// <summary>The secrets file's shape, <c>{"secrets":{"NAME":""}}</c>: every variable the bottle's credentials use, empty.</summary>
    public static byte[] Example(ResolvedBottle bottle) => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(
        new Dictionary<string, SortedDictionary<string, string>>
        {
            ["secrets"] = new(bottle.Secrets.ToDictionary(s => s.Variable, _ => ""), StringComparer.Ordinal),
        }, Json) + "\n");
}
