using System.Text.Json;

namespace PipelockStandIn;

/// <summary>JSON lines on stdout with pipelock's field names (component, event, method, target, reason, agent).</summary>
internal static class Log
{
    private static readonly Lock Gate = new();

    public static void Event(string level, string evt, IReadOnlyDictionary<string, string?> fields)
    {
        var line = new Dictionary<string, string?>
        {
            ["level"] = level,
            ["time"] = DateTime.UtcNow.ToString("O"),
            ["component"] = "pipelock",
            ["event"] = evt,
        };
        foreach (var (k, v) in fields)
            line[k] = v;
        var json = JsonSerializer.Serialize(line);
        lock (Gate)
            Console.Out.WriteLine(json);
    }
}
