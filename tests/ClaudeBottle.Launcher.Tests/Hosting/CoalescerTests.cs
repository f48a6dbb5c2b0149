using ClaudeBottle.Launcher.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace ClaudeBottle.Launcher.Tests.Hosting;

/// <summary>Publishing at most once a second, however often asked, with the last state always shown in the end.</summary>
public sealed class CoalescerTests
{
    private sealed class Published
    {
        public int State;
        public List<int> Seen { get; } = [];
    }

    private static async Task SettleAsync()
    {
        for (var i = 0; i < 10; i++)
            await Task.Yield();
        await Task.Delay(50);
    }

    [Fact]
    public async Task A_burst_is_published_once_at_once_and_once_more_a_second_later_with_its_last_state()
    {
        var time = new FakeTimeProvider();
        var published = new Published();
        var coalescer = new Coalescer(TimeSpan.FromSeconds(1), () =>
        {
            lock (published)
                published.Seen.Add(published.State);
            return Task.CompletedTask;
        }, time);

        published.State = 1;
        coalescer.Signal();
        await SettleAsync();
        for (var i = 2; i <= 8_000; i++)
        {
            published.State = i;
            coalescer.Signal();
        }
        await SettleAsync();
        published.Seen.Should().Equal([1], "the first change shows at once, the rest wait for the interval");

        time.Advance(TimeSpan.FromMilliseconds(999));
        await SettleAsync();
        published.Seen.Should().HaveCount(1);

        time.Advance(TimeSpan.FromMilliseconds(1));
        await SettleAsync();
        published.Seen.Should().Equal([1, 8_000], "one more publish, of the last state");

        time.Advance(TimeSpan.FromSeconds(10));
        await SettleAsync();
        published.Seen.Should().HaveCount(2, "nothing changed since");
    }

    [Fact]
    public async Task A_change_after_a_quiet_interval_is_published_at_once()
    {
        var time = new FakeTimeProvider();
        var runs = 0;
        var coalescer = new Coalescer(TimeSpan.FromSeconds(1), () => { Interlocked.Increment(ref runs); return Task.CompletedTask; }, time);

        coalescer.Signal();
        await SettleAsync();
        time.Advance(TimeSpan.FromSeconds(5));
        coalescer.Signal();
        await SettleAsync();

        runs.Should().Be(2);
    }
}
