using Docker.DotNet;
using Docker.DotNet.Models;

// The integration tests drive a Linux engine from the same Linux machine (namespaces, file modes, /proc).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace ClaudeBottle.Integration.Tests.Docker;

/// <summary>
/// The Docker engine the tests run against: the one <c>DOCKER_HOST</c> (or the active context) names. Tests skip
/// when no engine answers, except under CI, where a missing engine fails them: a green CI run means they ran.
/// </summary>
public static class TestEngine
{
    /// <summary>The offline Debian image <c>.ci/base-image.sh</c> makes; every test image builds from it.</summary>
    public static string BaseImage => Environment.GetEnvironmentVariable("CLAUDE_BOTTLE_BASE_IMAGE") ?? "claude-bottle/debian-base:bookworm";

    public const string TestLabel = "claude-bottle.test";

    private static readonly Lazy<Task<string?>> Unavailable = new(ProbeAsync);

    public static bool UnderCi => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));

    public static DockerClient CreateClient() => new DockerClientBuilder().Build();

    /// <summary>Skips the calling test when there is no engine or base image; fails it instead under CI.</summary>
    public static async Task RequireAsync()
    {
        if (await Unavailable.Value is not { } reason)
            return;
        if (UnderCi)
            throw new InvalidOperationException($"CI is set, so Docker-backed tests must run, but {reason}");
        Skip.If(true, reason);
    }

    private static async Task<string?> ProbeAsync()
    {
        try
        {
            using var client = CreateClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await client.System.PingAsync(timeout.Token);
            try
            {
                await client.Images.InspectImageAsync(BaseImage, timeout.Token);
            }
            catch (DockerImageNotFoundException)
            {
                return $"the base image {BaseImage} is missing; make it with .ci/base-image.sh";
            }
            return null;
        }
        catch (Exception e) when (e is not InvalidOperationException)
        {
            return $"no Docker engine answered ({e.GetType().Name}: {e.Message}); start one or set DOCKER_HOST";
        }
    }
}
