using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using ClaudeBottle.Launcher.Hosting;
using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Publishing;
using Microsoft.Extensions.DependencyInjection;

namespace ClaudeBottle.Launcher.Tests.Hosting;

/// <summary>The application model <c>AddClaudeBottles</c> builds, read without an engine or a dashboard.</summary>
public sealed class ModelTests
{
    private static BottleManifest Manifest(TempDirectory dir) => ManifestLoader.Parse("""
        { "agents": { "reviewer": { "prompt": "review" }, "chat": {} } }
        """, "claude-bottle.json", dir.Path);

    [Fact]
    public void Each_agent_is_a_bottle_with_its_agent_and_proxy_as_children_commands_and_a_health_check()
    {
        using var dir = new TempDirectory();
        var builder = DistributedApplication.CreateBuilder([$"--ClaudeBottle:StateRoot={dir.Path}"]);

        var bottles = builder.AddClaudeBottles(Manifest(dir));

        bottles.Select(b => b.Resource.Name).Should().Equal("chat", "reviewer");
        var reviewer = builder.Resources.OfType<BottleResource>().Single(b => b.Name == "reviewer");
        reviewer.Bottle.Prompt.Should().Be("review");
        builder.Resources.Should().Contain(reviewer.Agent).And.Contain(reviewer.Proxy);
        Parent(reviewer.Agent).Should().BeSameAs(reviewer);
        Parent(reviewer.Proxy).Should().BeSameAs(reviewer);

        Commands(reviewer).Should().Contain([KnownResourceCommands.StartCommand, KnownResourceCommands.StopCommand, KnownResourceCommands.RestartCommand]);
        Commands(reviewer.Agent).Should().Contain(BottleCommands.AttachCommand);
        Commands(reviewer.Proxy).Should().Contain([KnownResourceCommands.StartCommand, KnownResourceCommands.StopCommand]);
        reviewer.Proxy.Annotations.OfType<HealthCheckAnnotation>().Should().ContainSingle().Which.Key.Should().Be("reviewer-proxy-health");
        reviewer.Annotations.OfType<ResourceSnapshotAnnotation>().Single().InitialSnapshot.State!.Text.Should().Be(KnownResourceStates.NotStarted);
        reviewer.Annotations.OfType<ManifestPublishingCallbackAnnotation>().Should().ContainSingle("bottles are not written to Aspire's own manifest");
    }

    [Fact]
    public void The_app_hosts_parts_are_registered_once_whatever_adds_them()
    {
        using var dir = new TempDirectory();
        var builder = DistributedApplication.CreateBuilder([$"--ClaudeBottle:StateRoot={dir.Path}", "--ClaudeBottle:AutoApprove=true", "--ClaudeBottle:Agents:0=chat"]);
        builder.AddClaudeBottles(Manifest(dir));

        using var services = builder.Services.BuildServiceProvider();
        var options = services.GetRequiredService<Launcher.Planning.ClaudeBottleOptions>();
        options.AutoApprove.Should().BeTrue("the ClaudeBottle section is bound into one options type");
        options.StartsAtLaunch("chat").Should().BeTrue();
        options.StartsAtLaunch("reviewer").Should().BeFalse();
        builder.Services.Count(s => s.ServiceType == typeof(BottleOrchestrator)).Should().Be(1);
    }

    [Fact]
    public void A_bad_setting_is_refused_naming_its_key()
    {
        using var dir = new TempDirectory();
        var builder = DistributedApplication.CreateBuilder(["--ClaudeBottle:Network:AddressPool=10.0.0.0/40"]);

        builder.Invoking(b => b.AddClaudeBottles(Manifest(dir))).Should().Throw<DistributedApplicationException>()
            .WithMessage("*ClaudeBottle:Network:AddressPool*");
    }

    [Fact]
    public void Publishing_adds_a_compose_deployment_and_no_bottles()
    {
        using var dir = new TempDirectory();
        var builder = DistributedApplication.CreateBuilder(["--operation", "publish", "--publisher", "default", "--output-path", Path.Join(dir.Path, "out")]);

        builder.AddClaudeBottles(Manifest(dir)).Should().BeEmpty();

        builder.Resources.OfType<BottleResource>().Should().BeEmpty();
        builder.Resources.OfType<BottlePublishEnvironment>().Single().Deployment.Should().BeOfType<ComposeDeployment>().Subject.Bottles.Select(b => b.Name).Should().Equal("chat", "reviewer");
    }

    [Theory]
    [InlineData("swarm", typeof(SwarmDeployment))]
    [InlineData("Kubernetes", typeof(ClaudeBottle.Launcher.Publishing.Kubernetes.KubernetesDeployment))]
    [InlineData("compose", typeof(ComposeDeployment))]
    public void The_publish_target_picks_the_one_deployment_written(string target, Type deployment)
    {
        using var dir = new TempDirectory();
        var builder = DistributedApplication.CreateBuilder(["--operation", "publish", "--publisher", "default", "--output-path", Path.Join(dir.Path, "out")]);
        builder.Configuration["ClaudeBottle:Publish:Target"] = target;

        builder.AddClaudeBottles(Manifest(dir)).Should().BeEmpty();

        var environment = builder.Resources.OfType<BottlePublishEnvironment>().Should().ContainSingle().Subject;
        environment.Name.Should().Be(target.ToLowerInvariant());
        environment.Deployment.Should().BeOfType(deployment);
        environment.Deployment.Bottles.Select(b => b.Name).Should().Equal("chat", "reviewer");
    }

    private static IResource? Parent(IResource resource) =>
        resource.Annotations.OfType<ResourceRelationshipAnnotation>().SingleOrDefault(r => r.Type == "Parent")?.Resource;

    private static IEnumerable<string> Commands(IResource resource) => resource.Annotations.OfType<ResourceCommandAnnotation>().Select(c => c.Name);
}
