using System.Text.Json;
using ClaudeBottle.Launcher.Manifest;
using Json.Schema;

namespace ClaudeBottle.Launcher.Tests.Manifest;

/// <summary>docs/claude-bottle.schema.json (what editors check) and the loader agree on the whole corpus.</summary>
public sealed class SchemaAgreementTests
{
    private static JsonSchema Schema => ManifestSchema.Value;

    public static TheoryData<string, string> All
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var kind in new[] { "valid", "invalid" })
                foreach (var name in Corpus.Names(kind))
                    data.Add(kind, name);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(All))]
    public void Schema_and_loader_agree(string kind, string name)
    {
        var file = Corpus.File(kind, name);
        var loaderAccepts = LoaderAccepts(file);
        var schemaAccepts = SchemaAccepts(File.ReadAllText(file));

        loaderAccepts.Should().Be(kind == "valid");
        if (Corpus.SchemaCannotSee(file))
            schemaAccepts.Should().BeTrue("this case needs the file system or a cross-reference, which a schema cannot check; " +
                                          "if the schema now rejects it, drop the '// schema: cannot' line");
        else
            schemaAccepts.Should().Be(loaderAccepts);
    }

    [Fact]
    public void Example_manifest_satisfies_the_schema() =>
        SchemaAccepts(File.ReadAllText(TestFiles.Output("example", "claude-bottle.json"))).Should().BeTrue();

    private static bool LoaderAccepts(string file)
    {
        try
        {
            ManifestLoader.Load(file);
            return true;
        }
        catch (ManifestException)
        {
            return false;
        }
    }

    private static bool SchemaAccepts(string text)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, ManifestLoader.JsonOptions);
        }
        catch (JsonException)
        {
            return false;
        }
        using (document)
            return Schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.Flag }).IsValid;
    }
}
