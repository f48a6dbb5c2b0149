using ClaudeBottle.Launcher.Manifest;

namespace ClaudeBottle.Launcher.Tests.Manifest;

/// <summary>Skills must stay inside the manifest's directory, symbolic links included.</summary>
public sealed class HostPathRulesTests
{
    private const string SkillMd = "---\nname: x\n---\n";

    [Fact]
    public void A_skill_directory_that_is_a_symlink_out_of_the_manifest_directory_is_rejected()
    {
        using var outside = new TempDirectory();
        outside.Write("stolen/SKILL.md", SkillMd);
        using var dir = new TempDirectory();
        Directory.CreateDirectory(Path.Join(dir.Path, "skills"));
        Directory.CreateSymbolicLink(Path.Join(dir.Path, "skills", "evil"), Path.Join(outside.Path, "stolen"));
        var manifest = dir.Write("claude-bottle.json", """{ "agents": { "a": { "skills": ["skills/evil"] } } }""");

        var error = Assert.Throws<ManifestException>(() => ManifestLoader.Load(manifest)).Errors.Single();

        error.Path.Should().Be("agents.a.skills[0]");
        error.Message.Should().Contain("leads outside the manifest's directory through a symbolic link");
    }

    [Fact]
    public void A_skill_md_that_links_out_of_the_manifest_directory_is_rejected()
    {
        using var outside = new TempDirectory();
        var secret = outside.Write("secret.txt", "host secret");
        using var dir = new TempDirectory();
        Directory.CreateDirectory(Path.Join(dir.Path, "skills", "sneaky"));
        File.CreateSymbolicLink(Path.Join(dir.Path, "skills", "sneaky", "SKILL.md"), secret);
        var manifest = dir.Write("claude-bottle.json", """{ "agents": { "a": { "skills": ["skills/sneaky"] } } }""");

        var error = Assert.Throws<ManifestException>(() => ManifestLoader.Load(manifest)).Errors.Single();

        error.Message.Should().Contain("SKILL.md' is a symbolic link leading outside");
    }

    [Fact]
    public void A_symlink_that_stays_inside_the_manifest_directory_is_accepted()
    {
        using var dir = new TempDirectory();
        dir.Write("shared/review/SKILL.md", SkillMd);
        Directory.CreateDirectory(Path.Join(dir.Path, "skills"));
        Directory.CreateSymbolicLink(Path.Join(dir.Path, "skills", "review"), Path.Join(dir.Path, "shared", "review"));
        var manifest = dir.Write("claude-bottle.json", """{ "agents": { "a": { "skills": ["skills/review"] } } }""");

        var skill = ManifestLoader.Load(manifest).Agents["a"].Skills.Single();

        skill.Name.Should().Be("review");
        skill.Directory.Should().Be(Path.Join(dir.Path, "shared", "review"));
    }

    [Fact]
    public void The_manifest_directory_itself_is_not_a_skill()
    {
        using var dir = new TempDirectory();
        dir.Write("SKILL.md", SkillMd);
        var manifest = dir.Write("claude-bottle.json", """{ "agents": { "a": { "skills": ["."] } } }""");

        Assert.Throws<ManifestException>(() => ManifestLoader.Load(manifest)).Errors.Single()
            .Message.Should().Contain("leads outside the manifest's directory");
    }

    [Fact]
    public void Two_skills_with_the_same_folder_name_are_rejected()
    {
        using var dir = new TempDirectory();
        dir.Write("a/review/SKILL.md", SkillMd);
        dir.Write("b/review/SKILL.md", SkillMd);
        var manifest = dir.Write("claude-bottle.json", """{ "agents": { "a": { "skills": ["a/review", "b/review"] } } }""");

        var error = Assert.Throws<ManifestException>(() => ManifestLoader.Load(manifest)).Errors.Single();

        error.Path.Should().Be("agents.a.skills[1]");
        error.Message.Should().Contain("same ~/.claude/skills/review");
    }

    [Fact]
    public void A_missing_manifest_says_where_it_looked()
    {
        using var dir = new TempDirectory();
        var path = Path.Join(dir.Path, "nope.json");

        Assert.Throws<ManifestException>(() => ManifestLoader.Load(path)).Errors.Single()
            .Message.Should().Contain($"no manifest at {path}");
    }

    [Fact]
    public void An_oversized_manifest_is_refused_before_parsing()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("big.json", "{ \"agents\": { \"a\": {} } }" + new string(' ', ManifestLoader.MaxBytes));

        Assert.Throws<ManifestException>(() => ManifestLoader.Load(path)).Errors.Single()
            .Message.Should().Contain("a manifest may be at most");
    }
}
