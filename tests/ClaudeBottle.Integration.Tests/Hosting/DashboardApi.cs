using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ClaudeBottle.Integration.Tests.Hosting;

/// <summary>
/// A real dashboard's telemetry API, logged in as its own tools do: the browser token of the login link the app host
/// printed is exchanged for the API's key.
/// </summary>
internal sealed partial class DashboardApi : IDisposable
{
    private readonly HttpClient _client;

    private DashboardApi(HttpClient client) => _client = client;

    /// <summary>Logs in with the first login link in <paramref name="appHostOutput"/>.</summary>
    public static async Task<DashboardApi> LoginAsync(string appHostOutput)
    {
        var login = LoginLink().Match(appHostOutput);
        if (!login.Success)
            throw new InvalidOperationException($"the app host printed no login link:\n{appHostOutput}");
        var client = new HttpClient { BaseAddress = new Uri(login.Groups[1].Value) };
        using var exchange = await client.PostAsJsonAsync("/api/telemetry/validateToken", new { token = login.Groups[2].Value });
        if (!exchange.IsSuccessStatusCode)
            throw new InvalidOperationException($"logging in with {login.Value} failed: {(int)exchange.StatusCode}; the output was:\n{appHostOutput}");
        if ((await exchange.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("apiKey").GetString() is { } key)
            client.DefaultRequestHeaders.Add("x-api-key", key);
        return new DashboardApi(client);
    }

    /// <summary>Where this dashboard is.</summary>
    public Uri Address => _client.BaseAddress!;

    /// <summary>The resources the dashboard holds telemetry of, as its API lists them.</summary>
    public async Task<string> ResourcesAsync()
    {
        using var response = await _client.GetAsync("/api/telemetry/resources");
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>
    /// The log records the dashboard holds under <paramref name="resource"/>, as its API returns them (it answers 404
    /// for a resource it has no telemetry of yet).
    /// </summary>
    public async Task<string> LogsAsync(string resource)
    {
        using var response = await _client.GetAsync($"/api/telemetry/logs?resource={resource}");
        return await response.Content.ReadAsStringAsync();
    }

    [GeneratedRegex(@"(http://127\.0\.0\.1:\d+)/login\?t=([0-9a-f]+)")]
    private static partial Regex LoginLink();

    public void Dispose() => _client.Dispose();
}
