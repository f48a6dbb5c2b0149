using System.Globalization;
using System.Text;

namespace ClaudeBottle.Bench;

/// <summary>Medians of the runs, each app host figure as a ratio to the plain-docker baseline of the same run.</summary>
internal static class Report
{
    public static string Format(IReadOnlyList<Sample> samples, BuildSample? build, int runs)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Medians of {runs} run(s); app host / docker as a ratio.");
        text.AppendLine();
        text.AppendLine("| bottles | up: docker | up: app host | ratio | app host ready | bottle work / docker | down: docker | down: app host | ratio | memory per bottle: docker | app host | app host RSS | DCP and dashboard |");
        text.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        var ratios = new Dictionary<int, (double Up, double Work, double Down)>();
        foreach (var n in samples.Select(s => s.Bottles).Distinct().Order())
        {
            var docker = samples.Where(s => s.Kind == "docker" && s.Bottles == n).ToList();
            var host = samples.Where(s => s.Kind == "app host" && s.Bottles == n).ToList();
            var dockerUp = Median(docker.Select(s => s.Up.TotalSeconds));
            var hostUp = Median(host.Select(s => s.Up.TotalSeconds));
            var ready = Median(host.Select(s => s.HostReady?.TotalSeconds ?? 0));
            var dockerDown = Median(docker.Select(s => s.Down.TotalSeconds));
            var hostDown = Median(host.Select(s => s.Down.TotalSeconds));
            ratios[n] = (hostUp / dockerUp, (hostUp - ready) / dockerUp, hostDown / dockerDown);
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {n} | {dockerUp:0.00} s | {hostUp:0.00} s | {hostUp / dockerUp:0.00}x | {ready:0.00} s | {(hostUp - ready) / dockerUp:0.00}x | " +
                $"{dockerDown:0.00} s | {hostDown:0.00} s | {hostDown / dockerDown:0.00}x | " +
                $"{Mib(Median(docker.Select(s => (double)s.MemoryPerBottle)))} | {Mib(Median(host.Select(s => (double)s.MemoryPerBottle)))} | " +
                $"{Mib(Median(host.Select(s => (double)(s.HostMemory ?? 0))))} | {Mib(Median(host.Select(s => (double)(s.ChildrenMemory ?? 0))))} |");
        }
        text.AppendLine();
        if (ratios.Count > 0)
        {
            var (smallest, largest) = (ratios.Keys.Min(), ratios.Keys.Max());
            text.AppendLine("Targets:");
            foreach (var n in new[] { smallest, largest }.Distinct())
                text.AppendLine(CultureInfo.InvariantCulture, $"- start overhead at {n}: {ratios[n].Up:0.00}x (target 1.5x) {Verdict(ratios[n].Up <= 1.5)}; bottle work alone {ratios[n].Work:0.00}x");
            if (largest != smallest)
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"- concurrency: {largest} bottles {ratios[largest].Up:0.00}x vs 1 bottle {ratios[smallest].Up:0.00}x (must be no worse) {Verdict(ratios[largest].Up <= ratios[smallest].Up)}");
            text.AppendLine(CultureInfo.InvariantCulture, $"- teardown at {largest}: {ratios[largest].Down:0.00}x (target 1.25x) {Verdict(ratios[largest].Down <= 1.25)}");
        }
        if (build is not null)
            text.AppendLine(CultureInfo.InvariantCulture,
                $"- image build: first start {build.FirstStart.TotalSeconds:0.00} s (builds), second start {build.SecondStart.TotalSeconds:0.00} s, " +
                $"rebuilt: {(build.SecondBuilt ? "yes" : "no")} {Verdict(!build.SecondBuilt)}");
        return text.ToString();
    }

    private static string Verdict(bool met) => met ? "met" : "MISSED";

    private static string Mib(double bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024 * 1024):0.0} MiB");

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0)
            return double.NaN;
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
