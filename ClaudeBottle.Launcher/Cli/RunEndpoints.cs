using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;

namespace ClaudeBottle.Launcher.Cli;

/// <summary>
/// Each app host run gets a dashboard and OTLP endpoints of its own, and keys of its own. Fixed ports (the launch
/// profile once had 18888) made a second app host on the machine report the first one's dashboard and send its
/// telemetry there; Aspire keeps its OTLP key in the app host's user secrets, shared by every run, so the first
/// dashboard accepted it. An address the user sets is kept, and refused when something already listens on it.
/// </summary>
public static class RunEndpoints
{
    public const string DashboardKey = "ASPNETCORE_URLS";
    public const string OtlpGrpcKey = "ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL";
    public const string OtlpHttpKey = "ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL";
    private const string LegacyOtlpGrpcKey = "DOTNET_DASHBOARD_OTLP_ENDPOINT_URL";
    private const string LegacyOtlpHttpKey = "DOTNET_DASHBOARD_OTLP_HTTP_ENDPOINT_URL";
    private const string UnsecuredKey = "ASPIRE_ALLOW_UNSECURED_TRANSPORT";

    /// <summary>What each run authenticates with; Aspire would otherwise reuse one key stored for all runs.</summary>
    private static readonly string[] KeySettings = ["AppHost:OtlpApiKey", "AppHost:DashboardApiKey", "AppHost:McpApiKey"];

    /// <summary>
    /// The settings (as <c>--key=value</c>, for the builder in this process only: never a process's command line)
    /// that give this run its own endpoints and keys; or the problem with an address the user chose.
    /// </summary>
    public static (IReadOnlyList<string> Args, string? Problem) Choose(IConfiguration settings)
    {
        var args = new List<string>();
        var dashboard = settings[DashboardKey];
        if (string.IsNullOrWhiteSpace(dashboard))
        {
            dashboard = $"http://127.0.0.1:{FreePort()}";
            args.Add($"--{DashboardKey}={dashboard}");
            if (string.IsNullOrWhiteSpace(settings[UnsecuredKey]))
                args.Add($"--{UnsecuredKey}=true");
        }
        else if (InUse(dashboard, DashboardKey) is { } problem)
        {
            return ([], problem);
        }
        var scheme = dashboard.StartsWith("https:", StringComparison.OrdinalIgnoreCase) ? "https" : "http";
        foreach (var (key, legacy) in new[] { (OtlpGrpcKey, LegacyOtlpGrpcKey), (OtlpHttpKey, LegacyOtlpHttpKey) })
        {
            var url = settings[key] is { Length: > 0 } set ? set : settings[legacy];
            if (string.IsNullOrWhiteSpace(url))
                args.Add($"--{key}={scheme}://127.0.0.1:{FreePort()}");
            else if (InUse(url, key) is { } problem)
                return ([], problem);
        }
        args.AddRange(KeySettings.Select(key => $"--{key}={Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}"));
        return (args, null);
    }

    /// <summary>A port nobody listens on now; the kernel hands out a different one to each caller.</summary>
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? InUse(string urls, string key)
    {
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri))
                return $"{key} is '{url}', which is not a URL; unset it to get a free address, or give one such as http://127.0.0.1:18888";
            if (uri.Port == 0)
                continue;
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, uri.Port);
                listener.Start();
            }
            catch (SocketException)
            {
                return $"{key} is {url}, but something already listens on port {uri.Port}, perhaps another app host; " +
                       $"its dashboard would show as this one's and this run's telemetry would go to it. Unset {key} to get a free address, or choose another port";
            }
        }
        return null;
    }
}
