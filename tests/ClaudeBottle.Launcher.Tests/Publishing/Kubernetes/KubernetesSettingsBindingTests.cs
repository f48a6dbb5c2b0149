using Aspire.Hosting;
using ClaudeBottle.Launcher.Hosting;
using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Publishing;
using ClaudeBottle.Launcher.Publishing.Kubernetes;

namespace ClaudeBottle.Launcher.Tests.Publishing.Kubernetes;

public sealed class KubernetesSettingsBindingTests
{
    [Fact]
    public void The_cluster_s_ranges_and_the_probe_image_come_from_configuration()
    {
        using var dir = new TempDirectory();
        var builder = DistributedApplication.CreateBuilder(["--operation", "publish", "--publisher", "default", "--output-path", Path.Join(dir.Path, "out")]);
        builder.Configuration["ClaudeBottle:Publish:Target"] = "kubernetes";
        builder.Configuration[KubernetesSettings.ClusterCidrsKey + ":0"] = "203.0.113.0/24";
        builder.Configuration[KubernetesSettings.ClusterCidrsKey + ":1"] = "2001:db8::/32";
        builder.Configuration["ClaudeBottle:ProbeImage"] = "mirror.example/probe:1";

        builder.AddClaudeBottles(ManifestLoader.Load(Tests.Manifest.Corpus.File("valid", "minimal.jsonc"))).Should().BeEmpty();

        var settings = builder.Resources.OfType<BottlePublishEnvironment>().Single().Deployment.Should().BeOfType<KubernetesDeployment>().Subject.Settings;
        settings.ClusterCidrs.Should().Equal("203.0.113.0/24", "2001:db8::/32");
        settings.Common.ProbeImage.Should().Be("mirror.example/probe:1");
    }
}
