using ClaudeBottle.Launcher.Telemetry;

namespace ClaudeBottle.Launcher.Tests.Telemetry;

public sealed class RelayQueueTests
{
    [Fact]
    public void The_queue_is_bounded_in_bytes_and_drops_the_oldest()
    {
        var queue = new RelayQueue<int>(maxBytes: 16, maxItems: 100);

        for (var i = 0; i < 10; i++)
            queue.TryAdd(i, 4).Should().BeTrue();

        queue.Bytes.Should().Be(16);
        queue.Dropped.Should().Be(6);
        var left = new List<int>();
        while (queue.TryTake(out var item))
            left.Add(item);
        left.Should().Equal(6, 7, 8, 9);
        queue.Bytes.Should().Be(0);
    }

    [Fact]
    public void An_item_heavier_than_the_whole_bound_is_dropped_and_costs_nothing()
    {
        var queue = new RelayQueue<string>(maxBytes: 16, maxItems: 100);
        queue.TryAdd("kept", 8);

        queue.TryAdd("huge", 17).Should().BeFalse();

        queue.Bytes.Should().Be(8);
        queue.TryTake(out var item).Should().BeTrue();
        item.Should().Be("kept");
    }

    [Fact]
    public void The_queue_is_bounded_in_items_too()
    {
        var queue = new RelayQueue<int>(maxBytes: 1_000_000, maxItems: 3);
        for (var i = 0; i < 5; i++)
            queue.TryAdd(i, 0);

        queue.Dropped.Should().Be(2);
    }

    [Fact]
    public async Task A_waiter_sees_what_arrives_then_the_end()
    {
        var queue = new RelayQueue<int>(maxBytes: 16, maxItems: 10);
        var waiting = queue.WaitAsync();
        waiting.IsCompleted.Should().BeFalse();

        queue.TryAdd(1, 1);
        (await waiting).Should().BeTrue();
        queue.TryTake(out _).Should().BeTrue();
        queue.Complete();

        (await queue.WaitAsync()).Should().BeFalse();
        queue.TryAdd(2, 1).Should().BeFalse("nothing is queued after the end");
    }
}
