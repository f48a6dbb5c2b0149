using Aspire.Hosting.ApplicationModel;
using ClaudeBottle.Integration.Tests.Docker;
using Microsoft.Extensions.DependencyInjection;

namespace ClaudeBottle.Integration.Tests.Hosting;

/// <summary>
/// A bottle's own image (<c>build</c>), built by the app host on top of the standard image, with the build's output
/// in the agent's console; skills mounted read-only; and no rebuild when nothing changed.
/// </summary>
public sealed class BottleImageBuildTests
{
    [SkippableFact]
    public async Task A_bottles_own_image_is_built_once_with_progress_in_the_agent_console()
    {
        await TestEngine.RequireAsync();
        // The test agent stands in for the standard image, so that this test does not wait for the real one.
        var standard = await TestImages.AgentAsync();
        var marker = Guid.NewGuid().ToString("N");
        var manifest = AppHostRun.WriteManifest("""
            { "bottles": { "default": { "build": { "context": "images/team" } } },
              "agents": { "builder": { "skills": ["skills/review"] } } }
            """);
        Directory.CreateDirectory(Path.Join(manifest, "images", "team"));
        File.WriteAllText(Path.Join(manifest, "images", "team", "Dockerfile"), $"""
            ARG CLAUDE_BOTTLE_AGENT_IMAGE
            FROM ${"{"}CLAUDE_BOTTLE_AGENT_IMAGE{"}"}
            COPY setup.sh /tmp/setup.sh
            RUN /tmp/setup.sh && echo {marker} > /home/claude/team-tool
            """);
        // A script run straight from the context: its execute permission must travel with it, as with `docker build`.
        var setup = Path.Join(manifest, "images", "team", "setup.sh");
        File.WriteAllText(setup, $"#!/bin/sh\necho \"team-build-step {marker}\"\n");
        File.SetUnixFileMode(setup, File.GetUnixFileMode(setup) | UnixFileMode.UserExecute);
        Directory.CreateDirectory(Path.Join(manifest, "skills", "review"));
        File.WriteAllText(Path.Join(manifest, "skills", "review", "SKILL.md"), "---\nname: review\n---\nReview things.\n");

        var run = await AppHostRun.StartAsync(manifest, null, $"--ClaudeBottle:AgentImage={standard}");
        await using (run)
        {
            await run.WaitAsync("builder-agent", KnownResourceStates.Running);
            (await run.WaitForLogAsync("builder-agent", "building image claude-bottle/custom:")).Should().NotBeNull();
            (await run.WaitForLogAsync("builder-agent", $"team-build-step {marker}")).Should().NotBeNull("the build's own output is in the console");

            var agent = AppHostRun.Property(run.Snapshot("builder-agent"), "container.id")!;
            AppHostRun.Property(run.Snapshot("builder-agent"), "container.image").Should().StartWith("claude-bottle/custom:");
            using var client = TestEngine.CreateClient();
            (await TestScope.ExecAsync(client, agent, "cat ~/team-tool")).Output.Should().Contain(marker);
            (await TestScope.ExecAsync(client, agent, "cat ~/.claude/skills/review/SKILL.md")).Output.Should().Contain("Review things.");
            var (write, writeOut) = await TestScope.ExecAsync(client, agent, "touch ~/.claude/skills/review/x");
            write.Should().NotBe(0, "skills are mounted read-only: {0}", writeOut);
        }

        // Unchanged inputs: the next run uses the image as it is.
        var again = await AppHostRun.StartAsync(manifest, null, $"--ClaudeBottle:AgentImage={standard}");
        await using (again)
        {
            await again.WaitAsync("builder-agent", KnownResourceStates.Running);
            var loggers = again.App.Services.GetRequiredService<ResourceLoggerService>();
            await foreach (var batch in loggers.GetAllAsync("builder-agent"))
                batch.Should().NotContain(l => l.Content.Contains("building image"));
        }
    }
}
