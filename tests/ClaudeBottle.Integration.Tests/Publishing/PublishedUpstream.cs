using System.Text;
using System.Text.Json.Nodes;
using ClaudeBottle.Integration.Tests.Docker;
using ClaudeBottle.Integration.Tests.Images;
using Docker.DotNet.Models;

namespace ClaudeBottle.Integration.Tests.Publishing;

/// <summary>
/// The outside world of a published deployment: an HTTPS origin with a CA of the test's own (given to the publish as
/// the operator's extra CA, so the edge trusts it), on the deployment's egress network, recording what it receives;
/// and the agent's side of a request to it, through the edge, trusting the run CA from the edge's volume.
/// </summary>
internal sealed class PublishedUpstream : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("claude-bottle-publish-upstream-");

    public PublishedUpstream(params string[] names)
    {
        directory.UnixFileMode = (UnixFileMode)0b111_101_101;
        var certificates = OriginCertificates.Create("claude-bottle publish tests CA", names);
        Write("ca.crt", certificates.CaPem);
        Write("origin.crt", certificates.CertificatePem);
        Write("origin.key", certificates.KeyPem);
        Write("origin.py", EdgeScripts.Origin);
    }

    /// <summary>The test CA's certificate: the publish's <c>ClaudeBottle:ExtraCaCertificates</c>.</summary>
    public string CaFile => Path.Join(directory.FullName, "ca.crt");

    /// <summary>Starts the origin on a network of the scope's, attached to <paramref name="egress"/> under <paramref name="aliases"/>.</summary>
    public async Task<(string Id, string EgressAddress)> StartAsync(TestScope scope, string egress, params string[] aliases)
    {
        var outside = await scope.CreateNetworkAsync("outside", isInternal: false);
        var created = await scope.Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = $"{scope.Id}-origin",
            Image = await TestImages.EdgeAsync(), // any image with python3
            Entrypoint = ["python3", "-u", "/t/origin.py"],
            User = "0:0",
            Labels = new Dictionary<string, string> { [TestEngine.TestLabel] = scope.Id },
            HostConfig = new HostConfig { NetworkMode = outside, Init = true, Binds = [$"{directory.FullName}:/t:ro"] },
        });
        await scope.Client.Networks.ConnectNetworkAsync(egress, new NetworkConnectParameters { Container = created.ID, EndpointConfig = new EndpointSettings { Aliases = [.. aliases] } });
        await scope.Client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());
        var networks = (await scope.Client.Containers.InspectContainerAsync(created.ID)).NetworkSettings!.Networks;
        return (created.ID, networks[egress].IPAddress);
    }

    /// <summary>The test agent with python3, for the client.</summary>
    public static async Task<string> AgentImageAsync() => await TestImages.DerivedAsync("claude-bottle-test/publish-agent", $"""
        FROM {await TestImages.AgentAsync()}
        USER root
        RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 && rm -rf /var/lib/apt/lists/*
        USER claude
        """);

    /// <summary>The agent's request (GET <paramref name="path"/> over HTTPS through the edge), as a shell command printing the result as JSON.</summary>
    public static string Request(string host, string path)
    {
        var spec = new JsonObject { ["host"] = host, ["path"] = path }.ToJsonString();
        return $"python3 - '{spec}' <<'CLIENT'\n{EdgeScripts.Client}\nCLIENT";
    }

    private void Write(string name, string content)
    {
        var path = Path.Join(directory.FullName, name);
        File.WriteAllText(path, content, new UTF8Encoding(false));
        File.SetUnixFileMode(path, (UnixFileMode)0b110_100_100);
    }

    public void Dispose() => directory.Delete(recursive: true);
}
