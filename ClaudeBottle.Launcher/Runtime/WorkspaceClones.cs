using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Planning;
using Microsoft.Extensions.Logging;

namespace ClaudeBottle.Launcher.Runtime;

/// <summary>
/// An agent's private clone: filled from a bundle of the host's repository before the agent starts, its work brought
/// back as a branch while it runs (on request) and when it ends, then removed. The host's git reads only the user's
/// own repository and bundle files; everything done in the clone, which the agent controls, is done by a helper
/// container (<see cref="CloneHelper"/>). Work that cannot be brought back stays in the clone's volume.
/// </summary>
public sealed class WorkspaceClones(IContainerEngine engine, ILogger logger)
{
    private const string Work = "refs/heads/work";
    private const string Uncommitted = "refs/heads/uncommitted";

    /// <summary>Makes the plan's clone volume and fills it; nothing when the workspace is not cloned.</summary>
    public async Task PrepareAsync(BottlePlan plan, BottleInstance instance, CancellationToken ct)
    {
        if (plan.WorkspaceClone is not { } clone)
            return;
        var repository = clone.Source.Repository;
        var bundleRef = await BundleRefAsync(clone, ct);
        var input = Path.Join(instance.StateDirectory, "workspace-in.bundle");
        try
        {
            await HostGit.OutputAsync(repository, ["bundle", "create", input, bundleRef], ct);
            // Read by the helper, which runs as the agent's uid, through the state directory (0711).
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(input, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            var head = (await HostGit.OutputAsync(repository, ["bundle", "list-heads", input], ct)).Split('\n')[0].Split(' ', 2);
            var state = new CloneState(plan, clone) { BaseCommit = head[0] };
            instance.Clone = state;
            await engine.CreateVolumeAsync(clone.Volume, ct);
            await RunHelperAsync(CloneHelper.Spec(plan, clone, "fill", CloneHelper.FillScript, [clone.Branch, head[1], plan.Bottle.Name],
                readOnlyClone: false, [new BindMount(input, CloneHelper.InputBundle, ReadOnly: true)]), null, ct);
        }
        finally
        {
            File.Delete(input);
        }
    }

    /// <summary>
    /// What to bundle: HEAD, or the manifest's branch or tag by its full name (a bundle holds refs, not bare commits).
    /// Throws naming the manifest's file and JSON path when the repository has no commit or the ref names none.
    /// </summary>
    private static async Task<string> BundleRefAsync(ClonePlan clone, CancellationToken ct)
    {
        var source = clone.Source;
        var where = $"{source.File}: {source.RefJsonPath}";
        if ((await HostGit.RunAsync(source.Repository, ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], ct)).ExitCode != 0 && source.Ref is null)
            throw new InvalidOperationException($"{where}: the repository {source.Repository} has no commit yet; commit once, or use \"mode\": \"mount\"");
        if (source.Ref is not { } name)
            return "HEAD";
        var (code, full, _) = await HostGit.RunAsync(source.Repository, ["rev-parse", "--verify", "--quiet", "--symbolic-full-name", "--end-of-options", name], ct);
        return code == 0 && (full.StartsWith("refs/heads/", StringComparison.Ordinal) || full.StartsWith("refs/tags/", StringComparison.Ordinal))
            ? full
            : throw new InvalidOperationException($"{where}: '{NameRules.Printable(name)}' names no branch or tag of {source.Repository}; " +
                                                  "name one (git branch --list, git tag --list), or leave \"ref\" out to start from HEAD");
    }

    /// <summary>
    /// Brings the agent's work back into the host repository now: its HEAD as the run's branch, what it left uncommitted
    /// as one commit on top on the branch's <c>-uncommitted</c> twin. The clone is only read; the agent may keep working.
    /// </summary>
    public async Task<CloneResult> BringBackAsync(BottleInstance instance, CancellationToken ct)
    {
        var state = instance.Clone ?? throw new InvalidOperationException("the agent has no clone");
        await state.Gate.WaitAsync(ct);
        var output = Path.Join(instance.StateDirectory, "workspace-out.bundle");
        try
        {
            var (clone, repository, baseCommit) = (state.Plan, state.Plan.Source.Repository, state.BaseCommit!);
            var brought = false;
            await RunHelperAsync(CloneHelper.Spec(state.Bottle, clone, "bring-back", CloneHelper.BringBackScript, [baseCommit, instance.Name],
                readOnlyClone: true, []), async (id, lines) =>
                {
                    if (lines.Contains(CloneHelper.NothingLine))
                        return;
                    await engine.CopyFileFromContainerAsync(id, CloneHelper.OutputBundle, output, ct);
                    brought = true;
                }, ct);
            var uncommitted = false;
            if (brought)
            {
                uncommitted = (await HostGit.OutputAsync(repository, ["bundle", "list-heads", output], ct)).Contains(' ' + Uncommitted, StringComparison.Ordinal);
                // Objects checked as they come in: the bundle is the agent's. Fetching runs no hook (hooks are off).
                await HostGit.OutputAsync(repository, ["-c", "fetch.fsckObjects=true", "fetch", "--quiet", "--no-tags", "--no-write-fetch-head", output,
                    $"+{Work}:refs/heads/{clone.Branch}", .. uncommitted ? [$"+{Uncommitted}:refs/heads/{clone.UncommittedBranch}"] : Array.Empty<string>()], ct);
            }
            // An earlier bring-back's uncommitted changes are stale once the clone has none: they were committed or dropped.
            if (!uncommitted)
                await HostGit.OutputAsync(repository, ["update-ref", "-d", $"refs/heads/{clone.UncommittedBranch}"], ct);
            var exists = (await HostGit.RunAsync(repository, ["rev-parse", "--verify", "--quiet", $"refs/heads/{clone.Branch}"], ct)).ExitCode == 0;
            var commits = exists ? int.Parse(await HostGit.OutputAsync(repository, ["rev-list", "--count", $"{baseCommit}..refs/heads/{clone.Branch}"], ct),
                System.Globalization.CultureInfo.InvariantCulture) : 0;
            var result = new CloneResult(repository, clone.Branch, commits, uncommitted ? clone.UncommittedBranch : null, exists);
            state.Last = instance.CloneResult = result;
            return result;
        }
        finally
        {
            File.Delete(output);
            state.Gate.Release();
        }
    }

    /// <summary>
    /// At removal, once the agent is gone: its work brought back, then the clone's volume removed. When the work cannot
    /// be brought back the volume is kept and named; it is never removed by claude-bottle then. Throws only when the
    /// volume cannot be removed (the engine did not answer): a later call tries again.
    /// </summary>
    public async Task FinishAsync(BottleInstance instance, CancellationToken ct)
    {
        if (instance.Clone is not { } state)
            return;
        if (state is { AgentCreated: true, BaseCommit: not null, Ended: false })
        {
            try
            {
                var result = await BringBackAsync(instance, ct);
                state.Ended = true;
                logger.LogInformation("Bottle {Bottle}: the agent's work is back: {Result}", instance.Name, result);
            }
            catch (Exception e)
            {
                var reason = NameRules.Printable(e.Message);
                instance.CloneResult = state.Last = new CloneResult(state.Plan.Source.Repository, state.Plan.Branch, 0, null, false, reason, state.Plan.Volume.Name)
                {
                    Recovery = Recovery(state.Plan),
                };
                logger.LogError("Bottle {Bottle}: {Result}. {Recovery}", instance.Name, instance.CloneResult, Recovery(state.Plan));
                instance.Clone = null;
                return;
            }
        }
        await engine.RemoveVolumeAsync(state.Plan.Volume.Name, ct);
        instance.Clone = null;
    }

    /// <summary>How a person brings back the work of a clone that was kept (<see cref="KeptClones.Recovery(string, string, string, string)"/>).</summary>
    public static string Recovery(ClonePlan clone) => KeptClones.Recovery(clone.Volume.Name, clone.Image, clone.Source.Repository, clone.Branch);

    /// <summary>
    /// Runs a helper to its end; on success hands its id and output to <paramref name="afterExit"/> before it is removed.
    /// Throws with the helper's last lines when it fails. The helper is removed whatever happens.
    /// </summary>
    private async Task RunHelperAsync(ContainerSpec spec, Func<string, IReadOnlyList<string>, Task>? afterExit, CancellationToken ct)
    {
        string? id = null;
        try
        {
            id = await engine.CreateContainerAsync(spec, ct);
            await engine.StartContainerAsync(id, ct);
            var code = await engine.WaitContainerAsync(id, ct);
            var lines = new List<string>();
            await foreach (var line in engine.FollowLogsAsync(id, since: null, ct))
                if (lines.Count < 200)
                    lines.Add(line.Text);
            if (code != 0)
                throw new InvalidOperationException($"git in the clone's helper container failed (exit code {code}): " +
                                                    NameRules.Printable(string.Join(" | ", lines.TakeLast(3))));
            if (afterExit is not null)
                await afterExit(id, lines);
        }
        finally
        {
            if (id is not null)
                await engine.RemoveContainerAsync(id, CancellationToken.None);
        }
    }
}
