using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace ClaudeBottle.Integration.Tests.Images;

/// <summary>
/// How the launcher hands the edge its secrets (contract §1): the container is created with OpenStdin, StdinOnce and
/// AttachStdin; attach to its stdin before start, start it, write one line, close our half. Nothing else holds it.
/// </summary>
internal static class EdgeStdin
{
    public static async Task StartWithSecretsAsync(DockerClient client, string containerId, string line)
    {
        using var stream = await client.Containers.AttachContainerAsync(containerId,
            new ContainerAttachParameters { Stream = true, Stdin = true, Stdout = false, Stderr = false });
        await client.Containers.StartContainerAsync(containerId, new ContainerStartParameters());
        var bytes = Encoding.UTF8.GetBytes(line + "\n");
        await stream.WriteAsync(bytes, 0, bytes.Length, CancellationToken.None);
        stream.CloseWrite();
    }
}
