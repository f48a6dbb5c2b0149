using System.Text.RegularExpressions;
using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Resolution;
using k8s;
using k8s.Models;
using static ClaudeBottle.Launcher.Publishing.Kubernetes.KubernetesNames;

namespace ClaudeBottle.Launcher.Publishing.Kubernetes;

/// <summary>
/// The agent's pod, alone in its network namespace: a headless agent is a Job that runs once (no retry: a second run
/// would repeat the prompt's effects), an interactive one a Deployment with a terminal to attach to. It has no DNS and
/// finds its edge by the Service's address, which Kubernetes gives a pod of the namespace in
/// <c>EDGE_SERVICE_HOST</c>/<c>EDGE_SERVICE_PORT_*</c>: run mode's proxy URL names the edge, here the address stands in.
/// </summary>
internal static partial class KubernetesAgent
{
    /// <summary>The edge's proxy and CA addresses, filled in by the kubelet from the Service's environment.</summary>
    public const string ProxyUrl = "http://$(EDGE_SERVICE_HOST):$(EDGE_SERVICE_PORT_PROXY)";
    public const string CaUrl = "http://$(EDGE_SERVICE_HOST):$(EDGE_SERVICE_PORT_CA)";

    [GeneratedRegex("^[-._a-zA-Z0-9]+$")]
    private static partial Regex SecretKey();

    // Waits for the edge to have made its CA (it serves the certificates once written), then copies them in, then for
    // the edge to say it is ready (pipelock accepts its connections), so the probe after it finds the edge serving. One
    // deadline, on a monotonic clock, bounds it all, each request's timeout included. Fixed text: nothing of the
    // manifest's is in it.
    private const string FetchCa = """
        import os, sys, time, urllib.request
        base, proxy = os.environ["CA_URL"], os.environ["PROXY_URL"]
        deadline = time.monotonic() + 300
        def get(url):
            return urllib.request.urlopen(url, timeout=max(0.1, min(5, deadline - time.monotonic()))).read()
        names = ["ca.crt", "agent-ca.crt", "bundle.crt"]
        while True:
            try:
                while names:
                    data = get(f"{base}/{names[0]}")
                    if b"BEGIN CERTIFICATE" not in data:
                        raise OSError(f"{names[0]} holds no certificate")
                    with open(f"/ca/{names[0]}", "wb") as f:
                        f.write(data)
                    names.pop(0)
                get(f"{proxy}/health")
                sys.exit(0)
            except OSError as e:
                if time.monotonic() + 2 >= deadline:
                    sys.exit(f"the edge was not ready in 5 minutes ({e}): see the edge pod's log (kubectl logs deploy/edge -c edge)")
                print(f"waiting for the edge at {base} and {proxy}: {e}", file=sys.stderr, flush=True)
                time.sleep(2)
        """;

    /// <summary>The home volume's cap, on the node's disk; ~/.ssh is apart, in memory.</summary>
    public const long HomeBytes = 1L << 30;

    /// <summary>~/.ssh in memory, so that the private keys never reach the node's disk.</summary>
    public const long SshBytes = 1L << 20;

    // The image's home (Claude's settings) into the writable home volume, as the engine fills an anonymous volume; the
    // image's ~/.ssh and the ssh files into the memory volume, owned by the agent and private, as ssh demands.
    private const string SeedHome =
        "set -eu; if [ -d /home/claude ]; then cp -R --preserve=mode,timestamps /home/claude/. /seed/; fi; " +
        "if [ -d /ssh ]; then mkdir -p /seed-ssh/ssh; " +
        "if [ -d /home/claude/.ssh ]; then cp -R --preserve=mode,timestamps /home/claude/.ssh/. /seed-ssh/ssh/; fi; chmod 700 /seed-ssh/ssh; " +
        "for f in /ssh/*; do cp \"$f\" /seed-ssh/ssh/; chmod 600 \"/seed-ssh/ssh/${f##*/}\"; done; fi";

    public static IEnumerable<IKubernetesObject<V1ObjectMeta>> For(BottlePlan plan, string ns, string edgeImage, string probeImage)
    {
        var bottle = plan.Bottle;
        var spec = plan.Agent;
        var skills = KubernetesSkills.For(bottle, ns);
        if (skills is { } s)
            yield return s.Map;

        var agent = KubernetesProxies.Container(spec, "agent");
        agent.Args = [.. spec.Command!.Select(Escape)];
        agent.Env = [.. spec.Environment.Select(e => new V1EnvVar { Name = e.Key, Value = e.Value == AgentLayout.ProxyUrl ? ProxyUrl : Escape(e.Value) })];
        agent.Stdin = spec.Tty ? true : null;
        agent.Tty = spec.Tty ? true : null;
        agent.WorkingDir = AgentLayout.Workspace;
        List<V1VolumeMount> mounts =
        [
            new() { Name = "home", MountPath = AgentLayout.Home },
            new() { Name = "tmp", MountPath = "/tmp" },
            new() { Name = "ca", MountPath = AgentLayout.CaDirectory, ReadOnlyProperty = true },
        ];
        List<V1Volume> volumes =
        [
            new() { Name = "home", EmptyDir = new V1EmptyDirVolumeSource { SizeLimit = new ResourceQuantity(KubernetesHardening.Quantity(HomeBytes)) } },
            KubernetesHardening.Tmpfs("tmp", spec.Tmpfs["/tmp"]),
            KubernetesHardening.MemoryVolume("ca", 1L << 20),
        ];
        if (plan.StateVolume is not null)
        {
            mounts.Add(new() { Name = "state", MountPath = AgentLayout.ClaudeDirectory });
            volumes.Add(Claim("state", StateClaim));
        }
        if (bottle.Mounts.Any(m => m.Kind == MountKind.Workspace))
        {
            mounts.Add(new() { Name = "workspace", MountPath = AgentLayout.Workspace });
            volumes.Add(Claim("workspace", WorkspaceClaim));
        }
        if (skills is { } withSkills)
        {
            mounts.AddRange(withSkills.Mounts);
            volumes.Add(withSkills.Volume);
        }
        agent.VolumeMounts = mounts;

        var ca = KubernetesProxies.Container(spec with { Health = null, Cpus = 0.1, MemoryBytes = 64L << 20 }, "fetch-ca");
        ca.Image = edgeImage;
        ca.Command = ["python3", "-c", FetchCa];
        ca.Env = [new V1EnvVar { Name = "CA_URL", Value = CaUrl }, new V1EnvVar { Name = "PROXY_URL", Value = ProxyUrl }];
        ca.VolumeMounts = [new V1VolumeMount { Name = "ca", MountPath = "/ca" }];

        var home = KubernetesProxies.Container(spec with { Health = null, Cpus = 0.5, MemoryBytes = 256L << 20 }, "seed-home");
        home.Command = ["sh", "-c", SeedHome];
        home.VolumeMounts = [new V1VolumeMount { Name = "home", MountPath = "/seed" }];
        var ssh = bottle.Mounts.Where(m => m.Kind == MountKind.Ssh).Select(m => Path.GetFileName(m.Target)).Order(StringComparer.Ordinal).ToList();
        if (ssh.Count > 0)
        {
            if (bottle.Mounts.FirstOrDefault(m => m.Kind == MountKind.Ssh && !SecretKey().IsMatch(Path.GetFileName(m.Target))) is { } bad)
                throw new InvalidOperationException($"{(bad.Origin is { } o ? $"{o.File}: {o.JsonPath}: " : "")}the ssh file '{Path.GetFileName(bad.Target)}' " +
                                                    $"of agent '{bottle.Name}' cannot be a Secret's key (letters, digits, '-', '_' and '.' only); " +
                                                    "rename it, then publish again; nothing was published");
            home.VolumeMounts.Add(new V1VolumeMount { Name = "ssh", MountPath = "/ssh", ReadOnlyProperty = true });
            home.VolumeMounts.Add(new V1VolumeMount { Name = "ssh-home", MountPath = "/seed-ssh" });
            // A directory of the volume, made by seed-home: the agent's own and 0700, where the volume's root is 0777.
            mounts.Add(new V1VolumeMount { Name = "ssh-home", MountPath = AgentLayout.Home + "/.ssh", SubPath = "ssh" });
            volumes.Add(KubernetesHardening.MemoryVolume("ssh-home", SshBytes));
            volumes.Add(new V1Volume
            {
                Name = "ssh",
                Secret = new V1SecretVolumeSource { SecretName = SshSecret, DefaultMode = Convert.ToInt32("440", 8), Items = [.. ssh.Select(n => new V1KeyToPath { Key = n, Path = n })] },
            });
        }

        var pod = KubernetesProxies.PodSpec(spec, [agent], volumes);
        pod.InitContainers = [ca, KubernetesProbe.For(spec, probeImage), home];
        // The service links are how the agent learns the edge's address; nothing resolves names for it (run mode's
        // resolver that answers nothing), so no name can carry data out through the cluster's DNS.
        pod.EnableServiceLinks = true;
        pod.DnsPolicy = "None";
        pod.DnsConfig = new V1PodDNSConfig { Nameservers = [AgentLayout.NoRouteResolver] };
        var template = new V1PodTemplateSpec { Metadata = new V1ObjectMeta { Labels = Labels(bottle, AgentRole) }, Spec = pod };
        var metadata = new V1ObjectMeta { Name = AgentRole, NamespaceProperty = ns, Labels = Labels(bottle, AgentRole) };
        if (bottle.IsHeadless)
        {
            pod.RestartPolicy = "Never";
            yield return new V1Job { ApiVersion = "batch/v1", Kind = "Job", Metadata = metadata, Spec = new V1JobSpec { BackoffLimit = 0, Template = template } };
        }
        else
        {
            yield return new V1Deployment
            {
                ApiVersion = "apps/v1",
                Kind = "Deployment",
                Metadata = metadata,
                Spec = new V1DeploymentSpec
                {
                    Replicas = 1,
                    // One terminal, one workspace: never two agents side by side, even during a rollout.
                    Strategy = new V1DeploymentStrategy { Type = "Recreate" },
                    Selector = new V1LabelSelector { MatchLabels = Selector(AgentRole) },
                    Template = template,
                },
            };
        }
    }

    private static V1Volume Claim(string name, string claim) => new() { Name = name, PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = claim } };

    /// <summary>The kubelet expands <c>$(NAME)</c> in arguments and values; doubled, a '$' reaches the agent as written.</summary>
    public static string Escape(string value) => value.Replace("$", "$$", StringComparison.Ordinal);
}
