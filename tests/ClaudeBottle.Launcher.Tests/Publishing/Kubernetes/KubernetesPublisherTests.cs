using System.Text;
using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Publishing;
using ClaudeBottle.Launcher.Publishing.Kubernetes;
using ClaudeBottle.Launcher.Resolution;
using k8s.Models;

namespace ClaudeBottle.Launcher.Tests.Publishing.Kubernetes;

public sealed class KubernetesPublisherTests
{
    private static List<object> Objects(SortedDictionary<string, byte[]> files, string path) => [.. KubernetesObjects.Strict(KubernetesPublished.Text(files, path))];

    [Fact]
    public void Two_publishes_of_the_same_manifest_give_the_same_bytes()
    {
        // Resolved twice, as two runs of `aspire publish` would: placeholders and the token are derived, not drawn.
        var first = KubernetesPublished.Publish("issue-example.jsonc");
        var second = KubernetesPublished.Publish("issue-example.jsonc");
        second.Keys.Should().Equal(first.Keys);
        foreach (var (path, content) in first)
            second[path].Should().Equal(content, path);
        var token = PublishResolution.ScanApiToken("reviewer");
        var objects = Objects(first, "bottles/reviewer.yaml").OfType<V1ConfigMap>().ToDictionary(c => c.Metadata.Name);
        objects["pipelock"].Data["pipelock.yaml"].Should().Contain(token, "pipelock accepts the token the edge shows");
        objects["edge"].Data["edge.json"].Should().Contain(token);
        PublishResolution.ScanApiToken("tester").Should().NotBe(token, "each bottle has its own");
    }

    [Fact]
    public void No_real_value_is_written_anywhere()
    {
        const string real = "real-secret-value-0123456789";
        var manifest = ManifestLoader.Load(Tests.Manifest.Corpus.File("valid", "issue-example.jsonc"));
        var bottles = BottleResolver.Resolve(manifest, _ => real);
        var files = KubernetesPublisher.Publish(bottles, KubernetesPublished.Settings);
        foreach (var (path, content) in files)
            Encoding.UTF8.GetString(content).Should().NotContain(real, path);
        var example = Objects(files, "secrets/reviewer.example.yaml").OfType<V1Secret>().ToList();
        example.Select(s => s.Metadata.Name).Should().Equal(KubernetesNames.EdgeSecret, KubernetesNames.SshSecret);
        example[0].StringData[KubernetesNames.EdgeSecretKey].Should().Contain("\"CLAUDE_BOTTLE_OAUTH_TOKEN\": \"\"");
        example[1].StringData.Should().ContainKey("id_test").WhoseValue.Should().BeEmpty();
    }

    [Fact]
    public void Every_container_runs_hardened_and_no_pod_gets_a_service_account_token()
    {
        var files = KubernetesPublished.Publish("issue-example.jsonc");
        var pods = KubernetesObjects.Pods(Objects(files, "bottles/reviewer.yaml"));
        pods.Select(p => p.Workload).Should().BeEquivalentTo(["pipelock", "edge", "agent"]);
        foreach (var (_, workload, template) in pods)
        {
            template.Spec.AutomountServiceAccountToken.Should().BeFalse(workload);
            // The rest of the restricted Pod Security Standard, which the namespaces enforce.
            template.Spec.HostNetwork.Should().NotBe(true);
            template.Spec.HostPID.Should().NotBe(true);
            template.Spec.HostIPC.Should().NotBe(true);
            template.Spec.Volumes.Should().OnlyContain(v => v.HostPath == null && (v.EmptyDir != null || v.ConfigMap != null || v.Secret != null || v.PersistentVolumeClaim != null), workload);
            foreach (var c in KubernetesObjects.Containers(template.Spec))
            {
                var because = $"{workload}/{c.Name}";
                c.SecurityContext.RunAsNonRoot.Should().BeTrue(because);
                c.SecurityContext.RunAsUser.Should().BeGreaterThan(0, because);
                c.SecurityContext.Capabilities.Drop.Should().Equal(["ALL"], because);
                c.SecurityContext.Capabilities.Add.Should().BeNull(because);
                c.SecurityContext.ReadOnlyRootFilesystem.Should().BeTrue(because);
                c.SecurityContext.AllowPrivilegeEscalation.Should().BeFalse(because);
                c.SecurityContext.SeccompProfile.Type.Should().Be("RuntimeDefault", because);
                c.Resources.Limits.Keys.Should().BeEquivalentTo(["cpu", "memory"], because);
                c.SecurityContext.Privileged.Should().NotBe(true, because);
                (c.Ports ?? []).Should().NotContain(p => p.HostPort != null, because);
            }
        }
        var agent = pods.Single(p => p.Workload == "agent").Template.Spec.Containers.Single();
        agent.Resources.Limits["memory"].ToString().Should().Be("4Gi", "the manifest's limit");
        agent.Resources.Limits["cpu"].ToString().Should().Be("2");
        var tmp = pods.Single(p => p.Workload == "agent").Template.Spec.Volumes.Single(v => v.Name == "tmp");
        tmp.EmptyDir.Medium.Should().Be("Memory", "run mode's tmpfs");
        tmp.EmptyDir.SizeLimit.ToString().Should().Be("1Gi");
        Objects(files, "namespaces.yaml").OfType<V1Namespace>().Single().Metadata.Labels["pod-security.kubernetes.io/enforce"].Should().Be("restricted");
    }

    [Fact]
    public void The_agent_finds_its_edge_by_the_service_address_and_resolves_no_name()
    {
        var objects = Objects(KubernetesPublished.Publish("minimal.jsonc"), "bottles/" + KubernetesPublished.Bottles("minimal.jsonc").Single().Name + ".yaml");
        var pod = KubernetesObjects.Pods(objects).Single(p => p.Workload == "agent").Template.Spec;
        var env = pod.Containers.Single().Env.ToDictionary(e => e.Name, e => e.Value);
        env["HTTPS_PROXY"].Should().Be("http://$(EDGE_SERVICE_HOST):$(EDGE_SERVICE_PORT_PROXY)");
        objects.OfType<V1Service>().Should().Contain(s => s.Metadata.Name == "edge" && s.Spec.Ports.Any(p => p.Name == "proxy" && p.Port == 8080),
            "the kubelet names the variables after the Service 'edge' and its port 'proxy'");
        pod.EnableServiceLinks.Should().BeTrue();
        pod.DnsPolicy.Should().Be("None");
        pod.DnsConfig.Nameservers.Should().Equal([AgentLayout.NoRouteResolver]);
        env["NODE_EXTRA_CA_CERTS"].Should().Be(AgentLayout.AgentCaFile);
        pod.Containers.Single().VolumeMounts.Should().Contain(m => m.MountPath == AgentLayout.CaDirectory && m.ReadOnlyProperty == true);
    }

    [Fact]
    public void A_headless_agent_is_a_job_run_once_and_an_interactive_one_a_deployment_with_a_terminal()
    {
        var files = KubernetesPublished.Publish("issue-example.jsonc");
        var job = Objects(files, "bottles/reviewer.yaml").OfType<V1Job>().Single();
        job.Spec.BackoffLimit.Should().Be(0);
        job.Spec.Template.Spec.RestartPolicy.Should().Be("Never");
        job.Spec.Template.Spec.Containers.Single().Args.Last().Should().Be("Review the code in /workspace and write REVIEW.md");

        var minimal = KubernetesPublished.Bottles("minimal.jsonc").Single();
        minimal.IsHeadless.Should().BeFalse();
        var deployment = Objects(KubernetesPublished.Publish("minimal.jsonc"), $"bottles/{minimal.Name}.yaml").OfType<V1Deployment>().Single(d => d.Metadata.Name == "agent");
        deployment.Spec.Template.Spec.Containers.Single().Stdin.Should().BeTrue();
        deployment.Spec.Template.Spec.Containers.Single().Tty.Should().BeTrue();
        deployment.Spec.Strategy.Type.Should().Be("Recreate");
    }

    [Fact]
    public void The_kubelet_expands_nothing_of_the_manifest_s()
    {
        var bottle = KubernetesPublished.Bottles("minimal.jsonc").Single();
        bottle = bottle with { Environment = [new ResolvedEnvVar("NOTE", "$(HOME) costs $5", null)], Prompt = "echo $(id)" };
        var files = KubernetesPublisher.Publish([bottle], KubernetesPublished.Settings);
        var agent = KubernetesObjects.Pods(Objects(files, $"bottles/{bottle.Name}.yaml")).Single(p => p.Workload == "agent").Template.Spec.Containers.Single();
        agent.Env.Single(e => e.Name == "NOTE").Value.Should().Be("$$(HOME) costs $$5", "a doubled '$' reaches the agent as one");
        agent.Args.Last().Should().Be("echo $$(id)");
    }

    [Fact]
    public void Skills_travel_in_a_ConfigMap_and_the_workspace_and_kept_state_in_claims_the_operator_makes()
    {
        var files = KubernetesPublished.Publish("issue-example.jsonc");
        var objects = Objects(files, "bottles/reviewer.yaml");
        var skills = objects.OfType<V1ConfigMap>().Single(c => c.Metadata.Name == KubernetesNames.SkillsConfigMap);
        var source = Tests.Manifest.Corpus.File("valid", "skills/code-review/SKILL.md");
        skills.BinaryData.Values.Should().ContainSingle().Which.Should().Equal(File.ReadAllBytes(source));
        var agent = KubernetesObjects.Pods(objects).Single(p => p.Workload == "agent").Template.Spec;
        agent.Containers.Single().VolumeMounts.Should().Contain(m => m.MountPath == AgentLayout.SkillsDirectory + "/code-review" && m.SubPath == "code-review");
        agent.Volumes.Single(v => v.Name == "workspace").PersistentVolumeClaim.ClaimName.Should().Be(KubernetesNames.WorkspaceClaim);
        Objects(files, "volumes/reviewer.example.yaml").OfType<V1PersistentVolumeClaim>().Select(c => c.Metadata.Name).Should().Equal(KubernetesNames.WorkspaceClaim);

        var resumed = KubernetesPublished.Publish("resume.jsonc");
        Objects(resumed, "volumes/keeper.example.yaml").OfType<V1PersistentVolumeClaim>().Select(c => c.Metadata.Name).Should().Equal(KubernetesNames.StateClaim);
        resumed.Keys.Should().NotContain("volumes/forgetful.example.yaml");
    }

    [Fact]
    public async Task Writing_again_replaces_the_published_files_and_keeps_the_operator_s()
    {
        var output = Directory.CreateTempSubdirectory("k8s-publish-").FullName;
        try
        {
            await KubernetesDeployment.Write(output, KubernetesPublished.Publish("several-bottles-and-agents.jsonc"), CancellationToken.None);
            File.Exists(Path.Join(output, "bottles", "tester.yaml")).Should().BeTrue();
            await File.WriteAllTextAsync(Path.Join(output, "secrets", "tester.yaml"), "filled in");
            await KubernetesDeployment.Write(output, KubernetesPublished.Publish("minimal.jsonc"), CancellationToken.None);
            File.Exists(Path.Join(output, "bottles", "tester.yaml")).Should().BeFalse("a bottle no longer published is gone");
            File.Exists(Path.Join(output, "secrets", "tester.example.yaml")).Should().BeFalse();
            File.ReadAllText(Path.Join(output, "secrets", "tester.yaml")).Should().Be("filled in", "the operator's file stays");
            if (!OperatingSystem.IsWindows())
                File.GetUnixFileMode(Path.Join(output, "secrets")).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public void Skills_a_ConfigMap_cannot_hold_stop_the_publish_and_say_what_to_do()
    {
        var folder = Directory.CreateTempSubdirectory("k8s-skill-").FullName;
        try
        {
            File.WriteAllBytes(Path.Join(folder, "SKILL.md"), new byte[(1 << 20) + 1]);
            var bottle = KubernetesPublished.Bottles("minimal.jsonc").Single();
            bottle = bottle with { Mounts = [new BottleMount(MountKind.Skill, folder, AgentLayout.SkillsDirectory + "/big", ReadOnly: true)] };
            var publish = () => KubernetesPublisher.Publish([bottle], KubernetesPublished.Settings);
            publish.Should().Throw<InvalidOperationException>().WithMessage($"*agent '{bottle.Name}'*more than a ConfigMap's*Bake them into the agent's image*");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void The_operator_s_extra_CA_reaches_the_edge_in_its_ConfigMap()
    {
        var ca = Path.GetTempFileName();
        try
        {
            File.WriteAllText(ca, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
            var settings = KubernetesPublished.Settings with { Common = new PublishSettings { AgentImage = new ClaudeBottle.Launcher.Planning.AgentImageSettings { ExtraCaCertificatesFile = ca } } };
            var files = KubernetesPublisher.Publish(KubernetesPublished.Bottles("minimal.jsonc"), settings);
            var edge = Objects(files, files.Keys.First(k => k.StartsWith("bottles/", StringComparison.Ordinal))).OfType<V1ConfigMap>().Single(c => c.Metadata.Name == "edge");
            edge.Data["extra-ca.crt"].Should().Be(File.ReadAllText(ca));
            System.Text.Json.Nodes.JsonNode.Parse(edge.Data["edge.json"])!["extraCaFile"]!.GetValue<string>().Should().Be("/etc/claude-bottle/extra-ca.crt",
                "the edge reads it where the ConfigMap is mounted");
        }
        finally
        {
            File.Delete(ca);
        }
    }
}
