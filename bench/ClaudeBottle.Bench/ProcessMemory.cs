// The benchmark reads Linux's /proc and drives a Linux engine.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace ClaudeBottle.Bench;

/// <summary>Resident memory of processes, from Linux's /proc.</summary>
internal static class ProcessMemory
{
    public static long Resident(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0; // Gone meanwhile.
        }
    }

    /// <summary>
    /// Aspire's processes: the orchestrator (DCP, which detaches from the app host) and the dashboard. The benchmark
    /// runs one app host at a time, so every such process is its.
    /// </summary>
    public static IEnumerable<int> AspireProcesses()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
                continue;
            string command;
            try
            {
                command = File.ReadAllText(Path.Join(dir, "cmdline"));
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }
            if (command.Contains("aspire.hosting.orchestration", StringComparison.OrdinalIgnoreCase) ||
                command.Contains("aspire.dashboard.sdk", StringComparison.OrdinalIgnoreCase))
                yield return pid;
        }
    }
}
