using Aspire.Hosting.ApplicationModel;
using ClaudeBottle.Integration.Tests.Docker;
using ClaudeBottle.Integration.Tests.Hosting;
using ClaudeBottle.Launcher.Planning;

namespace ClaudeBottle.Integration.Tests.Workspace;

/// <summary>
/// Clone mode through the real app host, with a stand-in Claude that works in /workspace with git: each agent works in a
/// clone of its own, the host's repository is untouched while they work, and their commits and uncommitted changes
/// come back as branches, without a hook or fsmonitor of the host's repository running.
/// </summary>
public sealed class WorkspaceCloneTests
{
    /// <summary>
    /// Reports what it sees, commits a file named after its prompt, leaves a change to a tracked file and an untracked
    /// file uncommitted (and an ignored one, which stays behind), plants hooks in its clone that would leave a mark in the
    /// host folder its prompt's third word names, says so, and lingers for as many seconds as its second word says.
    /// </summary>
    private const string Agent = """
        prompt=""; while [ $# -gt 0 ]; do if [ "$1" = "--" ]; then prompt="$2"; shift; fi; shift; done
        set -- $prompt; name="$1"; linger="$2"; marks="${3:-/nonexistent}"
        cd /workspace
        echo "git-claude branch: $(git rev-parse --abbrev-ref HEAD)" >&2
        echo "git-claude files: $(ls -A | tr '\n' ' ')" >&2
        echo "git-claude remotes: [$(git remote)]" >&2
        echo "git-claude submodule: [$(ls -A sub 2>/dev/null | tr '\n' ' ')] $(git submodule status 2>&1 | cut -c1)" >&2
        echo "git-claude lfs: $(head -1 big.bin 2>/dev/null)" >&2
        echo "$name" > "$name.txt"
        git add "$name.txt" && git commit -q -m "work of $name"
        echo "changed by $name" >> README.md
        echo "untracked by $name" > "$name-untracked.txt"
        echo "ignored" > "$name.log"
        for hook in post-merge post-checkout post-rewrite pre-auto-gc; do
          printf '#!/bin/sh\necho ran >> %s/agent-%s\n' "$marks" "$hook" > ".git/hooks/$hook"; chmod +x ".git/hooks/$hook"
        done
        echo "git-claude committed" >&2
        echo '{"type":"result","subtype":"success","is_error":false,"num_turns":1,"total_cost_usd":0,"result":"ok"}'
        sleep "$linger"
        """;

    [SkippableFact]
    public async Task Two_agents_on_one_repository_each_end_with_their_own_branch_and_the_host_repository_is_untouched_meanwhile()
    {
        await TestEngine.RequireAsync();
        var image = await TestImages.GitClaudeAsync(Agent);
        var manifest = AppHostRun.WriteManifest($$"""
            { "bottles": { "default": { "image": "{{image}}" } },
              "agents": {
                "one": { "prompt": "one 12", "workspace": "./repo" },
                "two": { "prompt": "two 12", "workspace": { "path": "./repo", "mode": "clone" } } } }
            """);
        var repository = HostRepository.Create(Path.Join(manifest, "repo"));
        File.WriteAllText(Path.Join(manifest, "claude-bottle.json"), File.ReadAllText(Path.Join(manifest, "claude-bottle.json"))
            .Replace(" 12\"", $" 12 {repository.Marks}\"", StringComparison.Ordinal));
        var start = repository.Run("rev-parse", "HEAD");
        var before = repository.Fingerprint(withObjects: true);
        var beforeWithoutObjects = repository.Fingerprint(withObjects: false);

        await using (var run = await AppHostRun.StartAsync(manifest))
        {
            // Both have committed and changed files in their clones, and linger: the host's repository, .git and all, is as it was.
            foreach (var agent in new[] { "one", "two" })
            {
                (await run.WaitForLogAsync($"{agent}-agent", "git-claude branch:")).Should().MatchRegex($"claude-bottle/{agent}/[0-9]{{8}}-[0-9]{{6}}-[0-9a-f]{{4}}$");
                (await run.WaitForLogAsync($"{agent}-agent", "git-claude files:")).Should().EndWith(".git .gitignore README.md ", "the clone holds the host's commit and nothing of the other agent");
                (await run.WaitForLogAsync($"{agent}-agent", "git-claude remotes:")).Should().EndWith("[]");
                await run.WaitForLogAsync($"{agent}-agent", "git-claude committed");
            }
            repository.Fingerprint(withObjects: true).Should().Be(before, "nothing of the agents' work reaches the host's repository while they run");

            foreach (var agent in new[] { "one", "two" })
                await run.WaitAsync(agent, KnownResourceStates.Exited, KnownResourceStates.Finished);

            foreach (var agent in new[] { "one", "two" })
            {
                var other = agent == "one" ? "two" : "one";
                var shown = AppHostRun.Property(run.Snapshot($"{agent}-agent"), "clone.branch")!;
                var branch = shown.Split(' ')[0];
                branch.Should().StartWith($"claude-bottle/{agent}/", "the work came back ({0})", shown);
                AppHostRun.Property(run.Snapshot($"{agent}-agent"), "clone.commits").Should().Be("1");
                AppHostRun.Property(run.Snapshot($"{agent}-agent"), "clone.uncommitted").Should().Be(branch + "-uncommitted");

                repository.Run("rev-list", "--count", $"{start}..{branch}").Should().Be("1");
                repository.Run("log", "-1", "--format=%s %an", branch).Should().Be($"work of {agent} claude-bottle agent {agent}");
                repository.Run("show", $"{branch}:{agent}.txt").Should().Be(agent);
                repository.Run("ls-tree", "--name-only", branch).Split('\n').Should().BeEquivalentTo([".gitignore", "README.md", $"{agent}.txt"]);
                // What it left uncommitted, one commit on top: the change to a tracked file and the untracked file; not the ignored one.
                repository.Run("rev-parse", $"{branch}-uncommitted^").Should().Be(repository.Run("rev-parse", branch));
                repository.Run("diff", "--name-only", branch, $"{branch}-uncommitted").Split('\n').Should().BeEquivalentTo(["README.md", $"{agent}-untracked.txt"]);
                repository.Run("show", $"{branch}-uncommitted:README.md").Should().Be($"the host's readme\nchanged by {agent}");
                repository.Run("ls-tree", "--name-only", $"{branch}-uncommitted").Should().NotContain(other).And.NotContain($"{agent}.log");
                await run.WaitForLogAsync(agent, $"The agent's work is back: branch {branch} in {repository.Path}: 1 commit; uncommitted changes on {branch}-uncommitted");
            }
            repository.AgentBranches().Should().HaveCount(4);

            // The host's repository: its working tree, index, HEAD, config, hooks and other refs as they were; only the new branches (and their objects) added.
            repository.Fingerprint(withObjects: false).Should().Be(beforeWithoutObjects);
            repository.Run("rev-parse", "HEAD").Should().Be(start);
            repository.Run("status", "--porcelain").Should().BeEmpty();
            Directory.EnumerateFileSystemEntries(repository.Marks).Should().BeEmpty("no hook and no fsmonitor of the host's repository, nor a hook the agents planted in their clones, ran");

            // The clones' volumes and their helpers are gone.
            (await AppHostRun.ObjectsAsync(run.StateRoot)).Should().BeEmpty();
            using var client = TestEngine.CreateClient();
            (await client.Volumes.ListAsync(CancellationToken.None)).Volumes.Select(v => v.Labels == null ? null : v.Labels.Where(l => l.Key == BottleLabels.Repository).Select(l => l.Value).FirstOrDefault())
                .Should().NotContain(repository.Path, "the clone's volume is removed once its work is back");
        }
    }

    [SkippableFact]
    public async Task Bring_back_work_while_the_agent_runs_brings_its_commit_and_its_uncommitted_change_and_the_end_brings_them_again()
    {
        await TestEngine.RequireAsync();
        var image = await TestImages.GitClaudeAsync(Agent);
        var manifest = AppHostRun.WriteManifest($$"""
            { "bottles": { "default": { "image": "{{image}}" } },
              "agents": { "solo": { "prompt": "solo 600", "workspace": { "path": "./repo", "ref": "main" } } } }
            """);
        var repository = HostRepository.Create(Path.Join(manifest, "repo"));
        var start = repository.Run("rev-parse", "main");

        await using (var run = await AppHostRun.StartAsync(manifest))
        {
            await run.WaitForLogAsync("solo-agent", "git-claude committed");
            AppHostRun.Property(run.Snapshot("solo-agent"), "clone.commits").Should().Be("0 (not brought back yet)");
            repository.AgentBranches().Should().BeEmpty();

            (await run.CommandAsync("solo-agent", "claude-bottle-bring-back")).Success.Should().BeTrue();
            var branch = AppHostRun.Property(run.Snapshot("solo-agent"), "clone.branch")!.Split(' ')[0];
            repository.AgentBranches().Should().BeEquivalentTo([branch, branch + "-uncommitted"]);
            repository.Run("rev-list", "--count", $"{start}..{branch}").Should().Be("1");
            repository.Run("show", $"{branch}-uncommitted:solo-untracked.txt").Should().Be("untracked by solo");
            AppHostRun.Property(run.Snapshot("solo-agent"), "clone.commits").Should().Be("1");
            run.Snapshot("solo-agent").State?.Text.Should().Be(KnownResourceStates.Running, "the agent works on while its work is brought back");
            var first = repository.Run("rev-parse", branch + "-uncommitted");

            // Stopped: its work comes back once more (the same), then its clone goes.
            (await run.CommandAsync("solo", KnownResourceCommands.StopCommand)).Success.Should().BeTrue();
            await run.WaitAsync("solo", KnownResourceStates.Exited, KnownResourceStates.Finished);
            repository.Run("rev-list", "--count", $"{start}..{branch}").Should().Be("1");
            repository.Run("diff", first, branch + "-uncommitted").Should().BeEmpty();
            Directory.EnumerateFileSystemEntries(repository.Marks).Should().BeEmpty();
            using var client = TestEngine.CreateClient();
            (await client.Volumes.ListAsync(CancellationToken.None)).Volumes.Select(v => v.Labels == null ? null : v.Labels.Where(l => l.Key == BottleLabels.Repository).Select(l => l.Value).FirstOrDefault())
                .Should().NotContain(repository.Path, "the clone's volume is removed once its work is back");
        }
    }

    [SkippableFact]
    public async Task Submodules_and_git_lfs_pointers_come_into_the_clone_as_git_clone_leaves_them()
    {
        await TestEngine.RequireAsync();
        var image = await TestImages.GitClaudeAsync(Agent);
        var manifest = AppHostRun.WriteManifest($$"""
            { "bottles": { "default": { "image": "{{image}}" } }, "agents": { "subs": { "prompt": "subs 0", "workspace": "./repo" } } }
            """);
        var library = HostRepository.Create(Path.Join(manifest, "library"));
        var repository = HostRepository.Create(Path.Join(manifest, "repo"));
        repository.Run("-c", "protocol.file.allow=always", "submodule", "add", "-q", library.Path, "sub");
        File.WriteAllText(Path.Join(repository.Path, ".gitattributes"), "*.bin filter=lfs diff=lfs merge=lfs -text\n");
        File.WriteAllText(Path.Join(repository.Path, "big.bin"), "version https://git-lfs.github.com/spec/v1\noid sha256:" + new string('a', 64) + "\nsize 12345\n");
        repository.Run("add", "-A");
        repository.Run("-c", "user.name=host", "-c", "user.email=host@example.invalid", "commit", "-q", "-m", "a submodule and an LFS file");

        // What the host's own `git clone` leaves: an empty submodule folder, not initialised; the LFS file as its pointer.
        var reference = Path.Join(manifest, "reference");
        HostRepository.Git(manifest, "-c", "core.hooksPath=/dev/null", "clone", "-q", repository.Path, reference);
        Directory.EnumerateFileSystemEntries(Path.Join(reference, "sub")).Should().BeEmpty();
        File.ReadAllText(Path.Join(reference, "big.bin")).Should().StartWith("version https://git-lfs.github.com/spec/v1");

        await using (var run = await AppHostRun.StartAsync(manifest))
        {
            (await run.WaitForLogAsync("subs-agent", "git-claude submodule:")).Should().EndWith("git-claude submodule: [] -", "an empty folder, the submodule not initialised ('-')");
            (await run.WaitForLogAsync("subs-agent", "git-claude lfs:")).Should().EndWith("git-claude lfs: version https://git-lfs.github.com/spec/v1");
            await run.WaitAsync("subs", KnownResourceStates.Exited, KnownResourceStates.Finished);
            var branch = AppHostRun.Property(run.Snapshot("subs-agent"), "clone.branch")!.Split(' ')[0];
            repository.Run("ls-tree", branch, "sub").Should().StartWith("160000 commit", "the submodule's commit comes back as it was");
            Directory.EnumerateFileSystemEntries(repository.Marks).Should().BeEmpty();
        }
    }

    [SkippableFact]
    public async Task Work_that_cannot_come_back_stays_in_the_clones_volume_which_is_named_and_kept()
    {
        await TestEngine.RequireAsync();
        var image = await TestImages.GitClaudeAsync(Agent);
        var manifest = AppHostRun.WriteManifest($$"""
            { "bottles": { "default": { "image": "{{image}}" } }, "agents": { "lost": { "prompt": "lost 5", "workspace": "./repo" } } }
            """);
        var repository = HostRepository.Create(Path.Join(manifest, "repo"));
        using var client = TestEngine.CreateClient();
        string? kept = null;
        try
        {
            await using var run = await AppHostRun.StartAsync(manifest);
            await run.WaitForLogAsync("lost-agent", "git-claude committed");
            // The repository goes away while the agent works: its work has nowhere to come back to.
            Directory.Delete(repository.Path, recursive: true);
            await run.WaitAsync("lost", KnownResourceStates.Exited, KnownResourceStates.Finished);

            var shown = AppHostRun.Property(run.Snapshot("lost-agent"), "clone.branch")!;
            shown.Should().StartWith("not brought back: could not bring back the agent's work (");
            kept = shown[(shown.LastIndexOf("kept in volume ", StringComparison.Ordinal) + "kept in volume ".Length)..];
            (await run.WaitForLogAsync("lost", $"its clone is kept in volume {kept}")).Should()
                .Contain($"docker run --rm --network none -v {kept}:/workspace:ro --entrypoint git {image} -C /workspace bundle create - --all > work.bundle");

            // --list-state names it, with the same way back.
            using (var listing = new ClaudeBottle.Launcher.Runtime.DockerContainerEngine())
            {
                var (output, errors) = (new StringWriter(), new StringWriter());
                (await ClaudeBottle.Launcher.Cli.StateCommand.RunAsync(ClaudeBottle.Launcher.Cli.LaunchOptions.Parse(["--list-state"]), listing, output, errors,
                    CancellationToken.None)).Should().Be(0, errors.ToString());
                output.ToString().Should().Contain($"  lost  claude-bottle/lost/").And.Contain($"  {repository.Path}  (volume {kept})")
                    .And.Contain($"docker run --rm --network none -v {kept}:/workspace:ro --entrypoint git {image} -C /workspace bundle create - --all > work.bundle");
            }

            // The volume is there, labelled with its repository and branch, and holds the agent's commit.
            var volume = await client.Volumes.InspectAsync(kept);
            volume.Labels.Should().Contain(BottleLabels.Role, BottleLabels.CloneRole).And.Contain(BottleLabels.Repository, repository.Path);
            var reader = await client.Containers.CreateContainerAsync(new global::Docker.DotNet.Models.CreateContainerParameters
            {
                Image = image, Entrypoint = ["git", "-C", "/workspace", "log", "-1", "--format=%s"], User = "1000:1000",
                Labels = new Dictionary<string, string> { [TestEngine.TestLabel] = "clone-reader" },
                HostConfig = new global::Docker.DotNet.Models.HostConfig { NetworkMode = "none", Mounts = [new global::Docker.DotNet.Models.Mount { Type = "volume", Source = kept, Target = "/workspace", ReadOnly = true }] },
            });
            try
            {
                await client.Containers.StartContainerAsync(reader.ID, new global::Docker.DotNet.Models.ContainerStartParameters());
                (await client.Containers.WaitContainerAsync(reader.ID)).StatusCode.Should().Be(0);
                using var docker = new ClaudeBottle.Launcher.Runtime.DockerContainerEngine();
                ClaudeBottle.Launcher.Runtime.IContainerEngine engine = docker;
                var lines = new List<string>();
                await foreach (var line in engine.FollowLogsAsync(reader.ID, since: null, CancellationToken.None))
                    lines.Add(line.Text);
                string.Join("\n", lines).Trim().Should().Be("work of lost");
            }
            finally
            {
                await client.Containers.RemoveContainerAsync(reader.ID, new global::Docker.DotNet.Models.ContainerRemoveParameters { Force = true });
            }
        }
        finally
        {
            if (kept is not null)
                await client.Volumes.RemoveAsync(kept);
        }
    }
}
