namespace ClaudeBottle.Launcher.Telemetry;

/// <summary>
/// The relay's queue, bounded by what its items weigh in bytes as well as by their number: when either bound would be
/// passed, the oldest items are dropped. So a flood costs old telemetry, and never more of the app host's memory
/// than the bound, however large the items are.
/// </summary>
internal sealed class RelayQueue<T>(long maxBytes, int maxItems)
{
    private readonly Lock _gate = new();
    private readonly Queue<(T Item, long Bytes)> _items = new();
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _bytes;
    private bool _completed;

    /// <summary>Items dropped so far: the oldest, to make room, or one larger than the whole bound.</summary>
    public long Dropped { get; private set; }

    /// <summary>What the queued items weigh now.</summary>
    public long Bytes
    {
        get
        {
            lock (_gate)
                return _bytes;
        }
    }

    /// <summary>Queues <paramref name="item"/>, dropping the oldest as needed; false when it was dropped itself.</summary>
    public bool TryAdd(T item, long bytes)
    {
        lock (_gate)
        {
            if (_completed || bytes > maxBytes)
            {
                Dropped++;
                return false;
            }
            while (_items.Count > 0 && (_bytes + bytes > maxBytes || _items.Count >= maxItems))
            {
                _bytes -= _items.Dequeue().Bytes;
                Dropped++;
            }
            _items.Enqueue((item, bytes));
            _bytes += bytes;
            _arrived.TrySetResult();
            return true;
        }
    }

    public bool TryTake(out T item)
    {
        lock (_gate)
        {
            if (!_items.TryDequeue(out var next))
            {
                item = default!;
                return false;
            }
            _bytes -= next.Bytes;
            item = next.Item;
            return true;
        }
    }

    /// <summary>Waits until an item is queued: true, or false once the queue is completed and empty.</summary>
    public async Task<bool> WaitAsync()
    {
        while (true)
        {
            Task arrived;
            lock (_gate)
            {
                if (_items.Count > 0)
                    return true;
                if (_completed)
                    return false;
                if (_arrived.Task.IsCompleted)
                    _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                arrived = _arrived.Task;
            }
            await arrived;
        }
    }

    /// <summary>No more items: waiters see the rest, then the end.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            _completed = true;
            _arrived.TrySetResult();
        }
    }
}
