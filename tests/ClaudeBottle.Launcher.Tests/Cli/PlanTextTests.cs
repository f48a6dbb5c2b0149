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

    [Fact]
    public void The_plan_shows_rules_hosts_not_inspected_credentials_by_name_and_placeholders_no_credential_sends()
    {
        using var dir = new TempDirectory();
        var manifest = ManifestLoader.Parse("""
            { "bottles": { "default": {
                "env": { "GH": "${GITHUB_TOKEN}", "DB_PASSWORD": "${DB_PASSWORD}" },
                "egress": { "allowlist": ["api.github.com", "github.com", "pinned.example.com"],
                            "rules": [ { "host": "api.github.com", "methods": ["GET", "HEAD"] },
                                       { "host": "github.com", "deny": ["/*/*/git-receive-pack"] } ],
                            "passThrough": ["pinned.example.com"] },
                "credentials": [ { "host": "api.github.com", "header": "Authorization", "value": "Bearer ${GITHUB_TOKEN}" } ] } },
              "agents": { "a": {} } }
            """, "claude-bottle.json", dir.Path);
        var values = new Dictionary<string, string> { ["GITHUB_TOKEN"] = "ghp_0123456789abcdefghij0123456789abcdef", ["DB_PASSWORD"] = "hunter2-hunter2-hunter2", ["CLAUDE_BOTTLE_OAUTH_TOKEN"] = "sk-ant-oat01-0123456789abcdef0123" };

        var plan = PlanFormatter.Format(BottleResolver.Resolve(manifest, values.GetValueOrDefault).Single(), dir.Path);

        plan.Should().Contain("  rules:      api.github.com: GET, HEAD only\n").And.Contain("              github.com: any method; never /*/*/git-receive-pack\n");
        plan.Should().Contain("  opaque:     pinned.example.com (not inspected: no rules, credentials or scans; the allowlist still applies)");
        plan.Should().Contain("  credential: Authorization on api.anthropic.com from ${CLAUDE_BOTTLE_OAUTH_TOKEN}, set by the edge")
            .And.Contain("Authorization on api.github.com from ${GITHUB_TOKEN}, set by the edge");
        plan.Should().Contain("GH (a placeholder for ${GITHUB_TOKEN}, whose value the edge sends)")
            .And.Contain("DB_PASSWORD (a placeholder for ${DB_PASSWORD}; no credential sends its value, so it is of no use to the agent)");
        foreach (var value in values.Values)
            plan.Should().NotContain(value);
    }
}
