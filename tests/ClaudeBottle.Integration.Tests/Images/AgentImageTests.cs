using ClaudeBottle.Integration.Tests.Docker;
using ClaudeBottle.Launcher.Runtime;
using Docker.DotNet.Models;
using ClaudeBottle.Launcher.Planning;

namespace ClaudeBottle.Integration.Tests.Images;

/// <summary>
/// The real standard agent image, built by the product's builder from the offline Debian base. That it runs
/// <c>claude --version</c> says only that Claude Code is installed; the tests in <c>EndToEnd/</c> prove it works.
/// </summary>
public sealed class AgentImageTests
{
    [SkippableFact]
    public async Task The_standard_image_builds_once_and_runs_claude_as_a_non_root_user()
    {
        await TestEngine.RequireAsync();
        using var engine = new DockerContainerEngine();
        // Built (once per test run, whichever test asks first) by the product's builder.
        var tag = await TestImages.StandardAgentAsync();
        var recipe = AgentImages.Standard(TestImages.StandardSettings);
        recipe.Tag.Should().Be(tag);
        (await engine.ImageExistsAsync(recipe.Tag, CancellationToken.None)).Should().BeTrue();

        // Same inputs: same tag, nothing built.
        var again = new List<string>();
        await new AgentImageBuilder(engine).EnsureAsync(AgentImages.Standard(TestImages.StandardSettings), again.Add, CancellationToken.None);
        again.Should().BeEmpty("an image whose inputs did not change is not rebuilt");

        using var client = TestEngine.CreateClient();
        var container = await client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = recipe.Tag,
            Entrypoint = ["bash", "-c"],
            Cmd = ["echo \"user=$(id -un) uid=$(id -u)\"; claude --version; test -r /etc/claude-code/managed-settings.json && ! test -w /etc/claude-code/managed-settings.json && echo managed-read-only; grep -q hasCompletedOnboarding ~/.claude.json && echo onboarding-seeded"],
            Labels = new Dictionary<string, string> { [TestEngine.TestLabel] = "agent-image" },
        });
        try
        {
            await client.Containers.StartContainerAsync(container.ID, new ContainerStartParameters());
            var exit = await client.Containers.WaitContainerAsync(container.ID);
            using var logs = await client.Containers.GetContainerLogsAsync(container.ID, new ContainerLogsParameters { ShowStdout = true, ShowStderr = true });
            var (stdout, stderr) = await logs.ReadOutputToEndAsync(CancellationToken.None);

            exit.StatusCode.Should().Be(0, stdout + stderr);
            stdout.Should().Contain("user=claude uid=1000");
            stdout.Should().Contain($"{AgentImages.ClaudeCodeVersion} (Claude Code)");
            stdout.Should().Contain("managed-read-only").And.Contain("onboarding-seeded");
        }
        finally
        {
            await client.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true });
        }
    }
}
