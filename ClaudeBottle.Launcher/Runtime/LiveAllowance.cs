using ClaudeBottle.Launcher.Planning;

namespace ClaudeBottle.Launcher.Runtime;

/// <summary>
/// Allows one more host in a running bottle without restarting anything: both proxies' configuration files are
/// rewritten and each proxy is told to read its own again (SIGHUP), pipelock first, so that the edge never lets a
/// CONNECT through that pipelock would still refuse.
/// </summary>
public sealed class LiveAllowance(IContainerEngine engine)
{
    public const string ReloadSignal = "HUP";

    /// <summary>Adds <paramref name="host"/> (already checked with <see cref="LiveAllowlist.Check"/>) to the bottle's proxies.</summary>
    public async Task AllowAsync(BottleInstance instance, string host, CancellationToken ct)
    {
        if (instance.ProxyId is not { } proxy || instance.EdgeId is not { } edge)
            throw new InvalidOperationException("the bottle has no running proxies");
        var pipelockFile = BottleRunner.ConfigFile(instance.StateDirectory);
        var edgeFile = BottleRunner.EdgeConfigFile(instance.StateDirectory);
        var pipelock = LiveAllowlist.AddToPipelockConfig(await File.ReadAllTextAsync(pipelockFile, ct), host);
        var edgeConfig = LiveAllowlist.AddToEdgeConfig(await File.ReadAllTextAsync(edgeFile, ct), host);
        await RewriteAsync(pipelockFile, pipelock, ct);
        await engine.SignalContainerAsync(proxy, ReloadSignal, ct);
        await RewriteAsync(edgeFile, edgeConfig, ct);
        await engine.SignalContainerAsync(edge, ReloadSignal, ct);
    }

    /// <summary>
    /// In place, never by a new file renamed over it: each file is bound into its container by itself, and a bind holds
    /// the file it was made with, so a renamed replacement would never be seen there. The proxies read it on the signal
    /// that follows, after the last byte is written.
    /// </summary>
    private static async Task RewriteAsync(string path, string text, CancellationToken ct)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        file.SetLength(0);
        await file.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text), ct);
        await file.FlushAsync(ct);
    }
}
