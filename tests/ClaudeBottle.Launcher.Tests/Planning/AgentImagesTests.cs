using ClaudeBottle.Launcher.Resolution;
using ClaudeBottle.Launcher.Runtime;
using ClaudeBottle.Launcher.Planning;

namespace ClaudeBottle.Launcher.Tests.Planning;

/// <summary>The agent image's tag is a hash of every input: same inputs, same tag; any change, a new one.</summary>
public sealed class AgentImagesTests
{
    [Fact]
    public void The_standard_image_carries_the_dockerfile_and_its_files_and_hashes_them()
    {
        var recipe = AgentImages.Standard(new AgentImageSettings());

        recipe.Tag.Should().MatchRegex("^claude-bottle/agent:[0-9a-f]{16}$");
        recipe.Files.Select(f => f.Name).Should().Contain(["Dockerfile", "managed-settings.json", "claude.json", "extra-ca-certificates.crt"]);
        recipe.Build.BuildArgs.Should().Contain("CLAUDE_CODE_VERSION", AgentImages.ClaudeCodeVersion).And.Contain("BASE_IMAGE", AgentImages.DefaultBaseImage);
        AgentImages.Standard(new AgentImageSettings()).Tag.Should().Be(recipe.Tag);
    }

    [Fact]
    public void Any_changed_input_changes_the_tag()
    {
        using var dir = new TempDirectory();
        var ca = dir.Write("ca.pem", "-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----\n");
        var tags = new[]
        {
            AgentImages.Standard(new AgentImageSettings()).Tag,
            AgentImages.Standard(new AgentImageSettings { BaseImage = "debian:bookworm" }).Tag,
            AgentImages.Standard(new AgentImageSettings { ClaudeCodeVersion = "2.0.0" }).Tag,
            AgentImages.Standard(new AgentImageSettings { ExtraCaCertificatesFile = ca }).Tag,
        };
        File.WriteAllText(ca, "-----BEGIN CERTIFICATE-----\nB\n-----END CERTIFICATE-----\n");
        tags = [.. tags, AgentImages.Standard(new AgentImageSettings { ExtraCaCertificatesFile = ca }).Tag];

        tags.Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void A_bottles_own_image_hashes_its_context_and_its_base()
    {
        using var dir = new TempDirectory();
        var dockerfile = dir.Write("Dockerfile", "ARG CLAUDE_BOTTLE_AGENT_IMAGE\nFROM ${CLAUDE_BOTTLE_AGENT_IMAGE}\n");
        var source = new ImageSource.Build(dir.Path, dockerfile);

        var first = AgentImages.Custom(source, "claude-bottle/agent:aaaa");
        first.Tag.Should().MatchRegex("^claude-bottle/custom:[0-9a-f]{16}$");
        first.Build.BuildArgs.Should().Contain(AgentImages.BaseImageArgument, "claude-bottle/agent:aaaa");
        AgentImages.Custom(source, "claude-bottle/agent:aaaa").Tag.Should().Be(first.Tag);
        AgentImages.Custom(source, "claude-bottle/agent:bbbb").Tag.Should().NotBe(first.Tag);
        dir.Write("requirements.txt", "requests\n");
        AgentImages.Custom(source, "claude-bottle/agent:aaaa").Tag.Should().NotBe(first.Tag);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // Execute permissions are a Unix notion.
    public void A_scripts_execute_permission_is_part_of_the_context_and_of_the_tag()
    {
        using var dir = new TempDirectory();
        var dockerfile = dir.Write("Dockerfile", "ARG CLAUDE_BOTTLE_AGENT_IMAGE\nFROM ${CLAUDE_BOTTLE_AGENT_IMAGE}\nCOPY install.sh /tmp/\nRUN /tmp/install.sh\n");
        var script = dir.Write("install.sh", "#!/bin/sh\necho installing\n");
        var source = new ImageSource.Build(dir.Path, dockerfile);
        var plain = AgentImages.Custom(source, "claude-bottle/agent:aaaa");

        File.SetUnixFileMode(script, File.GetUnixFileMode(script) | UnixFileMode.UserExecute);
        var executable = AgentImages.Custom(source, "claude-bottle/agent:aaaa");

        plain.Files.Single(f => f.Name == "install.sh").Executable.Should().BeFalse();
        executable.Files.Single(f => f.Name == "install.sh").Executable.Should().BeTrue();
        executable.Files.Single(f => f.Name == "Dockerfile").Executable.Should().BeFalse();
        executable.Tag.Should().NotBe(plain.Tag, "a chmod changes what the build does");
    }

    [Fact]
    public void The_edge_image_is_a_fixed_recipe_on_the_chosen_base_unless_a_ready_image_is_named()
    {
        var recipe = AgentImages.Edge(new AgentImageSettings { BaseImage = "debian:bookworm" });

        recipe.Tag.Should().MatchRegex("^claude-bottle/edge:[0-9a-f]{16}$");
        recipe.Files.Select(f => f.Name).Should().Contain(["Dockerfile", "entry.py", "edge_addon.py", "edge_ca.py", "edge_scan.py"])
            .And.NotContain(n => n.Contains("__pycache__"));
        recipe.Build.BuildArgs.Should().Equal(new Dictionary<string, string> { ["BASE_IMAGE"] = "debian:bookworm" });
        AgentImages.Edge(new AgentImageSettings()).Tag.Should().NotBe(recipe.Tag, "the base is an input");
        AgentImages.EdgePlan(new AgentImageSettings(), "mirror.example/edge:1").Should().Be(("mirror.example/edge:1", (ImageRecipe?)null));
        AgentImages.EdgePlan(new AgentImageSettings(), null).Build!.Tag.Should().Be(AgentImages.Edge(new AgentImageSettings()).Tag);
    }
}
