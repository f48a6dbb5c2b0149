using Aspire.Hosting.ApplicationModel;
using ClaudeBottle.Integration.Tests.Docker;
using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Resolution;

namespace ClaudeBottle.Integration.Tests.Hosting;

/// <summary>The dashboard's Resume and Start fresh on a bottle, through the app host, with a stand-in Claude that reports its arguments.</summary>
public sealed class ResumeCommandTests
{
    [SkippableFact]
    public async Task Resume_starts_the_agent_again_continuing_in_its_kept_state_and_start_fresh_empties_it_first()
    {
        await TestEngine.RequireAsync();
        var image = await TestImages.FakeClaudeAsync();
        var manifest = AppHostRun.WriteManifest($$"""
            { "bottles": { "default": { "image": "{{image}}" } }, "agents": { "chat": { "prompt": "hello" } } }
            """);
        var manifestFile = HostFile.Resolve(Path.Join(manifest, "claude-bottle.json"), out _)!;
        var volume = AgentState.For(manifestFile, "chat", ConversationMode.Resume).Volume;
        using var client = TestEngine.CreateClient();
        try
        {
            await using var run = await AppHostRun.StartAsync(manifest);
            // The manifest keeps nothing: the first run ends without a state volume.
            await run.WaitAsync("chat", KnownResourceStates.Exited, KnownResourceStates.Finished);
            (await client.Volumes.ListAsync(CancellationToken.None)).Volumes.Should().NotContain(v => v.Name == volume);

            (await run.CommandAsync("chat", "claude-bottle-resume")).Success.Should().BeTrue();
            await run.WaitForLogAsync("chat-agent", "fake-claude arg: --continue");
            await run.WaitForLogAsync("chat", $"~/.claude kept in volume {volume}; the last conversation continued");
            var kept = await client.Volumes.InspectAsync(volume);
            kept.Labels.Should().Contain(BottleLabels.Agent, "chat").And.Contain(BottleLabels.Manifest, manifestFile);
            await run.WaitAsync("chat", KnownResourceStates.Exited, KnownResourceStates.Finished);

            (await run.CommandAsync("chat", "claude-bottle-fresh")).Success.Should().BeTrue();
            await run.WaitForLogAsync("chat", $"~/.claude kept in volume {volume}, emptied first: a new conversation");
            await run.WaitAsync("chat", KnownResourceStates.Exited, KnownResourceStates.Finished);
            (await client.Volumes.InspectAsync(volume)).CreatedAt.Should().NotBe(kept.CreatedAt, "the fresh start made the volume anew");
        }
        finally
        {
            try { await client.Volumes.RemoveAsync(volume, force: true); } catch (global::Docker.DotNet.DockerApiException) { }
        }
    }
}
