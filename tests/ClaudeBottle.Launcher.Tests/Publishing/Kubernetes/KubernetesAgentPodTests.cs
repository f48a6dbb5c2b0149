using System.Diagnostics;
using System.Text.RegularExpressions;
using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Publishing.Kubernetes;
using ClaudeBottle.Launcher.Resolution;
using k8s.Models;

namespace ClaudeBottle.Launcher.Tests.Publishing.Kubernetes;

/// <summary>The agent's pod beyond its hardening: the isolation probe before it, where its ssh keys live, and the edge's way to pipelock.</summary>
public sealed partial class KubernetesAgentPodTests
{
    private static readonly List<object> Objects = [.. KubernetesObjects.Strict(KubernetesPublished.Text(KubernetesPublished.Publish("issue-example.jsonc"), "bottles/reviewer.yaml"))];

    private static V1PodSpec Pod(string workload) => KubernetesObjects.Pods(Objects).Single(p => p.Workload == workload).Template.Spec;

    [GeneratedRegex(@"\$\(([A-Z0-9_]+)\)")]
    private static partial Regex Reference();

    [Fact]
    public void The_probe_runs_before_the_agent_from_the_product_s_image_and_tries_what_no_policy_closes()
    {
        var pod = Pod("agent");
        pod.InitContainers.Select(c => c.Name).Should().Equal(["fetch-ca", "probe", "seed-home"], "the edge is ready before the probe, the probe passes before the agent");
        var probe = pod.InitContainers.Single(c => c.Name == "probe");
        probe.Image.Should().Be(AgentImages.ProbePlan(KubernetesPublished.Settings.Common.AgentImage, null).Tag, "never the agent's image, which could answer ok");
        probe.Command.Should().BeNull("the probe image's entrypoint runs the script");
        probe.SecurityContext.RunAsUser.Should().Be(pod.Containers.Single().SecurityContext.RunAsUser, "as the agent's user");
        probe.Env.Single(e => e.Name == KubernetesProbe.NodeAddressVariable).ValueFrom.FieldRef.FieldPath.Should().Be("status.hostIP");
        var gateways = probe.Args.Select((a, i) => (a, i)).Where(x => x.a == "--gateway").Select(x => probe.Args[x.i + 1]).ToList();
        gateways.Should().Equal(["$(NODE_ADDRESS)", "$(KUBERNETES_SERVICE_HOST)", "$(PIPELOCK_SERVICE_HOST)", "169.254.169.254", "1.1.1.1"]);
        probe.Args.Should().ContainInConsecutiveOrder("--port", "443").And.ContainInConsecutiveOrder("--port", "8888").And.ContainInConsecutiveOrder("--port", "80");
        probe.Args.Should().ContainInConsecutiveOrder("--proxy-host", "$(EDGE_SERVICE_HOST)", "--proxy-port", "$(EDGE_SERVICE_PORT_PROXY)");
    }

    [Fact]
    public void Every_address_the_kubelet_fills_in_is_one_it_knows_when_the_pod_starts()
    {
        // Service links exist for Services created before the pod, and a reference the kubelet cannot fill stays as
        // written (the probe then fails closed, the edge cannot start): each must name a variable of the container's
        // own, the cluster's API server, or a Service earlier in the file.
        var index = Objects.Select((o, i) => (o, i)).ToList();
        foreach (var (ns, workload, template) in KubernetesObjects.Pods(Objects))
        {
            var at = index.Single(x => x.o is V1Deployment d && d.Metadata.Name == workload || x.o is V1Job j && j.Metadata.Name == workload).i;
            var links = index.Where(x => x.i < at).Select(x => x.o).OfType<V1Service>()
                .SelectMany(s => s.Spec.Ports.Select(p => $"{s.Metadata.Name.ToUpperInvariant()}_SERVICE_PORT_{p.Name.ToUpperInvariant()}").Prepend($"{s.Metadata.Name.ToUpperInvariant()}_SERVICE_HOST"))
                .ToHashSet();
            foreach (var c in KubernetesObjects.Containers(template.Spec))
            {
                var own = (c.Env ?? []).Select(e => e.Name).ToHashSet();
                var text = string.Join("\n", (c.Args ?? []).Concat((c.Env ?? []).Select(e => e.Value ?? "")).Select(v => v.Replace("$$", "", StringComparison.Ordinal)));
                foreach (Match m in Reference().Matches(text))
                {
                    var name = m.Groups[1].Value;
                    (own.Contains(name) || name.StartsWith("KUBERNETES_SERVICE_", StringComparison.Ordinal) || (template.Spec.EnableServiceLinks == true && links.Contains(name)))
                        .Should().BeTrue($"{workload}/{c.Name} uses $({name})");
                }
            }
        }
    }

    [Fact]
    public void The_edge_finds_pipelock_by_its_Service_address_in_a_variable_its_entry_program_reads()
    {
        var edge = Pod("edge");
        edge.EnableServiceLinks.Should().BeTrue();
        edge.Containers.Single(c => c.Name == "edge").Env.Single().Should().BeEquivalentTo(new V1EnvVar { Name = "CLAUDE_BOTTLE_PIPELOCK_ADDRESS", Value = "$(PIPELOCK_SERVICE_HOST)" });
        File.ReadAllText(TestFiles.Source("../../../../docker/edge/entry.py")).Should().Contain("PIPELOCK_ADDRESS = \"CLAUDE_BOTTLE_PIPELOCK_ADDRESS\"");
    }

    [Fact]
    public void The_probe_script_accepts_every_argument_published()
    {
        // A trailing unknown argument stops the script once it has parsed all the others, before it sends anything: if
        // it refused one of ours, it would name that one instead.
        var probe = Pod("agent").InitContainers.Single(c => c.Name == "probe");
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(TestFiles.Source("../../../../docker/probe/isolation-probe.sh"));
        foreach (var a in probe.Args)
            start.ArgumentList.Add(a);
        start.ArgumentList.Add("--not-an-argument");
        start.ArgumentList.Add("x");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        output.Should().Be("FAIL the probe was given an unknown argument: --not-an-argument\nPROBE FAILED\n");
        process.ExitCode.Should().Be(1);
    }

    [Fact]
    public void Ssh_keys_stay_in_memory_and_the_home_on_disk_is_capped()
    {
        var pod = Pod("agent");
        var sshHome = pod.Volumes.Single(v => v.Name == "ssh-home");
        sshHome.EmptyDir.Medium.Should().Be("Memory", "private keys never reach the node's disk");
        sshHome.EmptyDir.SizeLimit.ToString().Should().Be("1Mi");
        pod.Volumes.Single(v => v.Name == "home").EmptyDir.SizeLimit.ToString().Should().Be("1Gi");
        var seed = pod.InitContainers.Single(c => c.Name == "seed-home");
        seed.VolumeMounts.Should().Contain(m => m.Name == "ssh-home" && m.MountPath == "/seed-ssh");
        seed.Command.Last().Should().Contain("/seed-ssh/ssh/").And.NotContain("/seed/.ssh", "the keys are not copied into the disk-backed home");
        pod.Containers.Single().VolumeMounts.Should().Contain(m => m.Name == "ssh-home" && m.MountPath == AgentLayout.Home + "/.ssh" && m.SubPath == "ssh");
    }
}
