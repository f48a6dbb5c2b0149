using System.Globalization;
using System.Text;

namespace ClaudeBottle.Bench;

/// <summary>The edge's figures: every request of every round pooled, medians and p90, through the edge over straight to pipelock.</summary>
internal static class EdgeReport
{
    private static readonly (string Key, string Name)[] Kinds =
    [
        ("get", "GET, kept-alive connection"),
        ("post1", "POST 1 MiB JSON, kept-alive"),
        ("post4", "POST 4 MiB JSON, kept-alive"),
        ("fresh", "GET on a new connection (CONNECT + TLS + request)"),
    ];

    public static string Format(IReadOnlyList<EdgeSample> samples, IReadOnlyList<Sample> starts)
    {
        var text = new StringBuilder();
        if (starts.Any(s => s.Kind == "docker+edge"))
        {
            text.AppendLine("Bottle start, plain docker without the edge (two networks, pipelock, agent) and with it (three networks, pipelock and edge side by side, agent), and the app host (with the edge):");
            text.AppendLine();
            text.AppendLine("| bottles | docker without edge | docker with edge | ratio | app host | app host / docker with edge | memory per bottle: without edge | with edge |");
            text.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (var n in starts.Select(s => s.Bottles).Distinct().Order())
            {
                double Up(string kind) => Percentile([.. starts.Where(s => s.Kind == kind && s.Bottles == n).Select(s => s.Up.TotalSeconds)], 0.5);
                double Memory(string kind) => Percentile([.. starts.Where(s => s.Kind == kind && s.Bottles == n).Select(s => (double)s.MemoryPerBottle)], 0.5);
                var (without, with, host) = (Up("docker"), Up("docker+edge"), Up("app host"));
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| {n} | {without:0.00} s | {with:0.00} s | {with / without:0.00}x | {host:0.00} s | {host / with:0.00}x | {Mib(Memory("docker"))} | {Mib(Memory("docker+edge"))} |");
            }
            text.AppendLine();
        }
        text.AppendLine(CultureInfo.InvariantCulture, $"The edge (#15): {samples.Count} round(s), each a new bottle; every request of every round pooled.");
        text.AppendLine();
        text.AppendLine("| request | n | straight to pipelock: median | p90 | through the edge: median | p90 | ratio (median) | ratio (p90) | added (median) |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (key, name) in Kinds)
        {
            var through = samples.SelectMany(s => s.Through.GetValueOrDefault(key) ?? []).ToList();
            var straight = samples.SelectMany(s => s.Straight.GetValueOrDefault(key) ?? []).ToList();
            if (through.Count == 0 || straight.Count == 0)
                continue;
            var (sm, sp, tm, tp) = (Percentile(straight, 0.5), Percentile(straight, 0.9), Percentile(through, 0.5), Percentile(through, 0.9));
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {name} | {through.Count} | {Ms(sm)} | {Ms(sp)} | {Ms(tm)} | {Ms(tp)} | {tm / sm:0.00}x | {tp / sp:0.00}x | {Ms(tm - sm)} |");
        }
        text.AppendLine();
        var start = Percentile([.. samples.Select(s => s.Start.TotalSeconds)], 0.5);
        var edge = Percentile([.. samples.Select(s => s.EdgeListening.TotalSeconds)], 0.5);
        text.AppendLine(CultureInfo.InvariantCulture,
            $"- bottle start (the runner's whole start, one bottle): median {start:0.00} s; the edge's own start (container started → `listening`): median {edge:0.00} s " +
            $"(min {samples.Min(s => s.EdgeListening.TotalSeconds):0.00} s, max {samples.Max(s => s.EdgeListening.TotalSeconds):0.00} s)");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"- edge memory after the requests: {Mib(Percentile([.. samples.Select(s => (double)s.EdgeMemory)], 0.5))} (container, as docker stats), " +
            $"largest process RSS {Mib(Percentile([.. samples.Select(s => (double)s.EdgeRss)], 0.5))} (medians over rounds)");
        return text.ToString();
    }

    private static string Ms(double ms) => string.Create(CultureInfo.InvariantCulture, $"{ms:0.0} ms");

    private static string Mib(double bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024 * 1024):0.0} MiB");

    /// <summary>Nearest-rank percentile (the median of an even count is the mean of the middle two).</summary>
    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0)
            return double.NaN;
        if (p == 0.5)
            return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
    }
}
