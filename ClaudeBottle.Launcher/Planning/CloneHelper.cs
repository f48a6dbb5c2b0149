using ClaudeBottle.Launcher.Resolution;

namespace ClaudeBottle.Launcher.Planning;

/// <summary>
/// The short-lived containers that fill an agent's clone and read its work back. They run the agent's own image (its
/// git), as the agent's user, with no network, a read-only root and nothing of the host but the one bundle they are
/// given: whatever the repository's content or the agent's changes to its clone make git do (hooks, filters,
/// fsmonitor), it happens in there, never on the host.
/// </summary>
public static class CloneHelper
{
    public const string Role = "git-helper";

    /// <summary>Where the fill helper finds the bundle of the host's repository.</summary>
    public const string InputBundle = "/run/claude-bottle/in.bundle";

    /// <summary>Where the bring-back helper leaves the bundle of the agent's work (its own home volume).</summary>
    public const string OutputBundle = AgentLayout.Home + "/out.bundle";

    /// <summary>The line the bring-back helper prints when there is nothing new to bring back.</summary>
    public const string NothingLine = "claude-bottle: nothing new";

    // Every git command of the helpers, with the clone's own hooks and fsmonitor off: the agent can change its clone's
    // configuration, and the helper does what it was asked, not what the agent set up.
    private const string Git = """g() { git -c core.hooksPath=/dev/null -c core.fsmonitor=false -c user.name="claude-bottle" -c user.email=claude-bottle@claude-bottle.invalid "$@"; }""";

    /// <summary>
    /// $1 the branch, $2 the bundle's ref, $3 the agent. An empty clone on the branch at the bundle's commit, checked
    /// out as <c>git clone</c> would (submodules not initialised, LFS files as the image's git leaves them); no remote.
    /// The agent's commits carry its name unless it sets its own.
    /// </summary>
    public const string FillScript = "set -eu\n" + Git + """

        cd /workspace
        g init -q -b "$1" .
        g fetch -q --no-tags --update-head-ok /run/claude-bottle/in.bundle "+$2:refs/heads/$1"
        g reset -q --hard
        g config user.name "claude-bottle agent $3"
        g config user.email "$3@claude-bottle.invalid"
        """;

    /// <summary>
    /// $1 the commit the clone started from, $2 the agent. Reads the clone (mounted read-only) without touching it:
    /// new objects and a copy of the index go to the helper's home. Bundles HEAD as <c>work</c> and, when anything is
    /// uncommitted (untracked files too, ignored ones not), a commit of it on top as <c>uncommitted</c>; only what the
    /// host's repository lacks (not reachable from $1).
    /// </summary>
    public const string BringBackScript = "set -eu\n" + Git + """

        t="$HOME/back.git"
        g init -q --bare "$t"
        cd /workspace
        objects="$(g rev-parse --path-format=absolute --git-path objects)"
        index="$(g rev-parse --path-format=absolute --git-path index)"
        head="$(g rev-parse --verify 'HEAD^{commit}')"
        if [ -f "$index" ]; then cp "$index" "$HOME/index"; fi
        export GIT_INDEX_FILE="$HOME/index" GIT_OBJECT_DIRECTORY="$t/objects" GIT_ALTERNATE_OBJECT_DIRECTORIES="$objects"
        g add -A
        tree="$(g write-tree)"
        wip=""
        if [ "$tree" != "$(g rev-parse "$head^{tree}")" ]; then
          wip="$(g commit-tree -p "$head" -m "claude-bottle: what agent $2 left uncommitted" "$tree")"
        fi
        unset GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES
        printf '%s\n' "$objects" > "$t/objects/info/alternates"
        g -C "$t" update-ref refs/heads/work "$head"
        if [ -n "$wip" ]; then g -C "$t" update-ref refs/heads/uncommitted "$wip"; fi
        if [ "$head" = "$1" ] && [ -z "$wip" ]; then echo "claude-bottle: nothing new"; exit 0; fi
        g -C "$t" bundle create -q "$HOME/out.bundle" --branches "^$1"
        """;

    /// <summary>
    /// A helper of <paramref name="plan"/>'s clone running <paramref name="script"/> with <paramref name="arguments"/>;
    /// labelled as the bottle's start, so a failed start's sweep and a dead run's reaper find it.
    /// </summary>
    public static ContainerSpec Spec(BottlePlan plan, ClonePlan clone, string purpose, string script, IReadOnlyList<string> arguments,
        bool readOnlyClone, IReadOnlyList<BindMount> binds) => new()
        {
            Name = $"{plan.Agent.Name}-{purpose}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3))}",
            Image = clone.Image,
            Entrypoint = ["sh", "-c", script, "claude-bottle-" + purpose, .. arguments],
            Labels = new Dictionary<string, string>(plan.Agent.Labels) { [BottleLabels.Role] = Role },
            // No network at all: a helper has nothing to fetch, and a repository's filters nothing to reach.
            Network = "none",
            User = AgentLayout.UserId,
            ReadOnlyRootFilesystem = true,
            AnonymousVolumes = [AgentLayout.Home],
            NamedVolumes = [new VolumeMount(clone.Volume.Name, AgentLayout.Workspace, readOnlyClone)],
            Binds = binds,
            Tmpfs = new Dictionary<string, string> { ["/tmp"] = "rw,nosuid,nodev,size=256m" },
            Cpus = plan.Agent.Cpus,
            MemoryBytes = plan.Agent.MemoryBytes,
            Pids = plan.Agent.Pids,
        };
}
