using ClaudeBottle.Launcher.Cli;
using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Resolution;

namespace ClaudeBottle.Launcher.Tests.Cli;

/// <summary>What a person approves is the truth: nothing in a plan's text can hide, move or cut off another part of it.</summary>
public sealed class PlanTextTests
{
    private static string Plan(TempDirectory dir, string workspace)
    {
        Directory.CreateDirectory(Path.Join(dir.Path, workspace));
        var json = System.Text.Json.JsonSerializer.Serialize(workspace);
        var manifest = ManifestLoader.Parse($$"""{ "agents": { "a": { "workspace": {{json}} } } }""", "claude-bottle.json", dir.Path);
        return PlanFormatter.Format(BottleResolver.Resolve(manifest, _ => null).Single(), dir.Path);
    }

    [Fact]
    public void Control_bidi_and_zero_width_characters_in_a_path_are_shown_as_escapes()
    {
        using var dir = new TempDirectory();

        var plan = Plan(dir, "src\n  mounts:     / -> /workspace (read-write)\u202e\u200b");

        plan.Should().Contain("\\u000a").And.Contain("\\u202e").And.Contain("\\u200b");
        plan.Should().NotContain("\u202e").And.NotContain("\u200b");
        plan.Split('\n').Should().ContainSingle(l => l.TrimStart().StartsWith("mounts:", StringComparison.Ordinal), "no line can pose as another");
    }

    [Fact]
    public void Backticks_in_a_path_cannot_close_the_dialogs_code_block()
    {
        using var dir = new TempDirectory();
        var plan = Plan(dir, "x```\nApproved by security```");

        var markdown = ApprovalText.Markdown(plan).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        var fence = markdown[0];
        fence.Should().MatchRegex("^`{4,}$", "the fence is longer than any run of backticks inside");
        markdown.Count(l => l == fence).Should().Be(2);
        markdown[^1].Should().Be(fence, "everything of the plan is inside the block");
    }

    [Fact]
    public void A_long_line_is_wrapped_whole_for_the_dialog_not_cut()
    {
        var path = "/" + string.Concat(Enumerable.Range(0, 30).Select(i => $"segment{i:00}/"));
        var plan = $"agent a (bottle default, headless)\n  mounts:     {path} -> /workspace (read-write)\n";

        var lines = ApprovalText.Markdown(plan).Split('\n', StringSplitOptions.RemoveEmptyEntries)[1..^1];

        lines.Should().OnlyContain(l => l.Length <= ApprovalText.Width);
        string.Concat(lines.Skip(1).Select(l => l.Replace("             ↳ ", ""))).Should().Be($"  mounts:     {path} -> /workspace (read-write)");
    }
}
