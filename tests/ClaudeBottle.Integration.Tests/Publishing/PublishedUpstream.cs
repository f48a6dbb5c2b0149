using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
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
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=claude-bottle publish tests CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        using var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(2));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={names[0]}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
            san.AddDnsName(name);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        using var leaf = request.Create(ca, now.AddDays(-1), now.AddDays(1), RandomNumberGenerator.GetBytes(16));
        Write("ca.crt", ca.ExportCertificatePem() + "\n");
        Write("origin.crt", leaf.ExportCertificatePem() + "\n");
        Write("origin.key", key.ExportPkcs8PrivateKeyPem() + "\n");
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
