using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Runtime;
using Microsoft.Extensions.Logging;

namespace ClaudeBottle.Launcher.Tests.Runtime;

/// <summary>The reaper on forged labels: it removes only runs its own state folder proves dead and this user's.</summary>
public sealed class ReaperTests
{
    private static Dictionary<string, string> Labels(string instance, string lease, string role = "agent") => new()
    {
        [BottleLabels.Project] = BottleLabels.ProjectValue, [BottleLabels.Instance] = instance, [BottleLabels.Lease] = lease,
        [BottleLabels.Host] = Environment.MachineName, [BottleLabels.Bottle] = "a", [BottleLabels.Role] = role,
    };

    private static Task<string> ContainerAsync(FakeEngine engine, string name, Dictionary<string, string> labels) =>
        engine.CreateContainerAsync(new ContainerSpec { Name = name, Image = "x", Labels = labels, Network = "n" }, CancellationToken.None);

    [Fact]
    public async Task A_forged_lease_label_naming_a_folder_outside_the_state_folder_deletes_nothing()
    {
        using var state = new TempDirectory();
        using var victim = new TempDirectory();
        var precious = victim.Write("precious/keep.txt", "mine");
        var engine = new FakeEngine();
        using var dead = InstanceLease.Acquire(state.Path);
        dead.Abandon();
        // Unknown run id, a malformed one, and this user's dead run: each pointing the lease at the victim's folder.
        await ContainerAsync(engine, "forged-1", Labels("0123456789ab", Path.Join(victim.Path, "precious.lock")));
        await ContainerAsync(engine, "forged-2", Labels("../../precious", Path.Join(victim.Path, "precious.lock")));
        await ContainerAsync(engine, "forged-3", Labels(dead.Id, Path.Join(victim.Path, "precious.lock")));
        var log = new ListLogger();
        using var current = InstanceLease.Acquire(state.Path);

        var result = await new Reaper(engine, log).ReapAsync(current, CancellationToken.None);

        File.ReadAllText(precious).Should().Be("mine");
        result.Removed.Should().BeEmpty();
        engine.Containers.Should().HaveCount(3);
        log.Warnings.Should().ContainSingle(w => w.Contains(dead.Id) && w.Contains("left alone") && w.Contains(dead.LockFile));
    }

    [Fact]
    public async Task A_forged_label_pointing_at_a_live_run_leaves_its_bottles_alone()
    {
        using var state = new TempDirectory();
        using var elsewhere = new TempDirectory();
        var engine = new FakeEngine();
        using var live = InstanceLease.Acquire(state.Path);
        await ContainerAsync(engine, "live-agent", Labels(live.Id, live.LockFile));
        await engine.CreateNetworkAsync(new NetworkSpec("live-net", true, Labels(live.Id, live.LockFile, "internal-network"), new Dictionary<string, string>()), CancellationToken.None);
        // Claims the live run's id, with a lease nobody holds, and another machine's name.
        await ContainerAsync(engine, "forged-lease", Labels(live.Id, elsewhere.Write("free.lock", "")));
        await ContainerAsync(engine, "forged-host", Labels(live.Id, live.LockFile) is var l ? new(l) { [BottleLabels.Host] = "elsewhere" } : null!);
        var log = new ListLogger();
        using var current = InstanceLease.Acquire(state.Path);

        var result = await new Reaper(engine, log).ReapAsync(current, CancellationToken.None);

        result.Removed.Should().BeEmpty();
        engine.Containers.Values.Select(c => c.Name).Should().Contain("live-agent");
        engine.Networks.Should().HaveCount(1);
        Directory.Exists(live.Directory).Should().BeTrue();
        log.Warnings.Should().ContainSingle(w => w.Contains(live.Id) && w.Contains("forged"));
    }

    [Fact]
    public async Task A_dead_run_of_this_state_folder_is_removed_with_its_state_and_one_failure_does_not_stop_it()
    {
        using var state = new TempDirectory();
        var engine = new FakeEngine();
        var dead = InstanceLease.Acquire(state.Path);
        dead.Abandon();
        await ContainerAsync(engine, "left-1", Labels(dead.Id, dead.LockFile));
        await engine.CreateNetworkAsync(new NetworkSpec("left-net", true, Labels(dead.Id, dead.LockFile, "internal-network"), new Dictionary<string, string>()), CancellationToken.None);
        engine.Failures[nameof(IContainerEngine.RemoveContainerAsync)] = new InvalidOperationException("removal already in progress");
        using var current = InstanceLease.Acquire(state.Path);

        var result = await new Reaper(engine, new ListLogger()).ReapAsync(current, CancellationToken.None);

        result.Removed.Select(o => o.Name).Should().Equal("left-net");
        Directory.Exists(dead.Directory).Should().BeFalse();
        File.Exists(dead.LockFile).Should().BeFalse();
        Directory.Exists(current.Directory).Should().BeTrue();
    }

    private sealed class ListLogger : ILogger
    {
        public List<string> Warnings { get; } = [];
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning)
                Warnings.Add(formatter(state, exception));
        }
    }
}
