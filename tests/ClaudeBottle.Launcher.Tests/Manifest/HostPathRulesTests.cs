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

    [Fact]
    public void A_link_inside_a_skill_leading_out_of_the_skill_is_refused()
    {
        using var dir = new TempDirectory();
        dir.Write("shared/notes.md", "shared");
        dir.Write("skills/review/SKILL.md", SkillMd);
        File.CreateSymbolicLink(Path.Join(dir.Path, "skills", "review", "notes.md"), Path.Join(dir.Path, "shared", "notes.md"));
        var manifest = dir.Write("claude-bottle.json", """{ "agents": { "a": { "skills": ["skills/review"] } } }""");

        var error = Assert.Throws<ManifestException>(() => ManifestLoader.Load(manifest)).Errors.Single();

        error.Path.Should().Be("agents.a.skills[0]");
        error.Message.Should().Contain("'skills/review/notes.md' is a symbolic link leading outside the skill's directory");
    }

    [Fact]
    public void A_pipe_or_a_socket_inside_a_skill_is_refused()
    {
        using var dir = new TempDirectory();
        dir.Write("skills/piped/SKILL.md", SkillMd);
        MountPathTests.MakeFifo(Path.Join(dir.Path, "skills", "piped", "hang"));
        dir.Write("skills/socketed/SKILL.md", SkillMd);
        using var socket = MountPathTests.MakeSocket(Path.Join(dir.Path, "skills", "socketed", "engine.sock"));
        var manifest = dir.Write("claude-bottle.json", """{ "agents": { "a": { "skills": ["skills/piped", "skills/socketed"] } } }""");

        var errors = Assert.Throws<ManifestException>(() => ManifestLoader.Load(manifest)).Errors;

        errors.Should().HaveCount(2);
        errors[0].Message.Should().Contain("'skills/piped/hang' is a named pipe (FIFO); a skill holds only files and directories");
        errors[1].Message.Should().Contain("'skills/socketed/engine.sock' is a socket");
    }

    [Fact]
    public void A_skill_whose_name_compose_would_fill_in_is_refused()
    {
        using var dir = new TempDirectory();
        dir.Write("skills/x${HOME}/SKILL.md", SkillMd);
        var manifest = dir.Write("claude-bottle.json", """{ "agents": { "a": { "skills": ["skills/x${HOME}"] } } }""");

        Assert.Throws<ManifestException>(() => ManifestLoader.Load(manifest)).Errors.Single()
            .Message.Should().Contain("the skill's directory name 'x${HOME}' holds '$'");
    }
}
