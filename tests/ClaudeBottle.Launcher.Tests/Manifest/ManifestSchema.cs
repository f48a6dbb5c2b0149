using Json.Schema;

namespace ClaudeBottle.Launcher.Tests.Manifest;

/// <summary>docs/claude-bottle.schema.json, loaded once: the schema library refuses to register its id twice.</summary>
internal static class ManifestSchema
{
    private static readonly Lazy<JsonSchema> Loaded = new(() => JsonSchema.FromFile(TestFiles.Output("claude-bottle.schema.json")));

    public static JsonSchema Value => Loaded.Value;
}
