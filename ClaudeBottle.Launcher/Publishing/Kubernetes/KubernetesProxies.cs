using System.Globalization;
using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Resolution;
using k8s;
using k8s.Models;
using static ClaudeBottle.Launcher.Publishing.Kubernetes.KubernetesNames;

namespace ClaudeBottle.Launcher.Publishing.Kubernetes;

/// <summary>
/// A bottle's proxy chain as two pods, each its own network namespace so each gets its own policy: pipelock (the
/// allowlist, the only pod that reaches outside) and the edge (TLS, rules, credentials; reaches pipelock alone, by the
/// address of pipelock's Service in its environment, since it has no DNS: <see cref="PipelockAddress"/>). Both are
/// Deployments of one replica: Kubernetes restarts a crashed proxy, as run mode's restart policy does for pipelock; the
/// edge, which here reads its values from a Secret rather than a stdin, comes back too.
/// </summary>
internal static class KubernetesProxies
{
    /// <summary>
    /// The variable the edge's entry program (<c>docker/edge/entry.py</c>) puts in place of pipelock's name in its
    /// configuration, and its value: the kubelet fills in the address of pipelock's Service, created before the edge.
    /// </summary>
    public const string PipelockAddressVariable = "CLAUDE_BOTTLE_PIPELOCK_ADDRESS";
    public const string PipelockAddress = "$(PIPELOCK_SERVICE_HOST)";

    public static IEnumerable<IKubernetesObject<V1ObjectMeta>> Pipelock(BottlePlan plan, string ns)
    {
        var bottle = plan.Bottle;
        var spec = plan.Proxy;
        yield return ConfigMap(PipelockConfigMap, ns, bottle, new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [Path.GetFileName(PipelockImage.ConfigPath)] = plan.ProxyConfig,
        });
        yield return Service(PipelockService, ns, bottle, PipelockRole, ("proxy", AgentLayout.PipelockPort), ("scan-api", AgentLayout.ScanApiPort));
        var container = Container(spec, "pipelock");
        container.Args = [.. spec.Command!];
        container.VolumeMounts = [new V1VolumeMount { Name = "config", MountPath = Path.GetDirectoryName(PipelockImage.ConfigPath)!, ReadOnlyProperty = true }];
        container.Ports = [Port("proxy", AgentLayout.PipelockPort), Port("scan-api", AgentLayout.ScanApiPort)];
        yield return Deployment(PipelockService, ns, bottle, PipelockRole, spec, [container], [ConfigVolume("config", PipelockConfigMap)]);
    }

    public static IEnumerable<IKubernetesObject<V1ObjectMeta>> Edge(BottlePlan plan, string ns, string? extraCa)
    {
        var bottle = plan.Bottle;
        var spec = plan.Edge!;
        var data = new SortedDictionary<string, string>(StringComparer.Ordinal) { [Path.GetFileName(EdgeProxy.ConfigPath)] = plan.EdgeConfig };
        if (extraCa is not null)
            data[Path.GetFileName(EdgeProxy.ExtraCaPath)] = extraCa;
        yield return ConfigMap(EdgeConfigMap, ns, bottle, data);
        yield return Service(EdgeService, ns, bottle, EdgeRole, ("proxy", AgentLayout.ProxyPort), ("ca", CaPort));

        var edge = Container(spec, "edge");
        edge.Ports = [Port("proxy", AgentLayout.ProxyPort)];
        edge.Env = [new V1EnvVar { Name = PipelockAddressVariable, Value = PipelockAddress }];
        edge.VolumeMounts =
        [
            new V1VolumeMount { Name = "ca", MountPath = AgentLayout.CaDirectory },
            new V1VolumeMount { Name = "config", MountPath = Path.GetDirectoryName(EdgeProxy.ConfigPath)!, ReadOnlyProperty = true },
            new V1VolumeMount { Name = "private", MountPath = EdgeProxy.PrivateDirectory },
            new V1VolumeMount { Name = "secrets", MountPath = Path.GetDirectoryName(EdgeProxy.SecretsFile)!, ReadOnlyProperty = true },
        ];
        // Certificates only: the CA's key is in the edge's private memory volume, which this container does not mount.
        var ca = Container(spec with { Health = null, Cpus = 0.1, MemoryBytes = 64L << 20 }, "ca");
        ca.Command = ["python3", "-m", "http.server", "--bind", "0.0.0.0", "--directory", AgentLayout.CaDirectory, CaPort.ToString(CultureInfo.InvariantCulture)];
        ca.Ports = [Port("ca", CaPort)];
        ca.VolumeMounts = [new V1VolumeMount { Name = "ca", MountPath = AgentLayout.CaDirectory, ReadOnlyProperty = true }];
        List<V1Volume> volumes =
        [
            KubernetesHardening.MemoryVolume("ca", 1L << 20),
            ConfigVolume("config", EdgeConfigMap),
            KubernetesHardening.Tmpfs("private", spec.Tmpfs[EdgeProxy.PrivateDirectory]),
            new V1Volume
            {
                Name = "secrets",
                // Readable by the edge's group alone (the pod's fsGroup); the operator's Secret, never a value of ours.
                Secret = new V1SecretVolumeSource { SecretName = EdgeSecret, DefaultMode = Convert.ToInt32("440", 8), Items = [new V1KeyToPath { Key = EdgeSecretKey, Path = EdgeSecretKey }] },
            },
        ];
        var deployment = Deployment(EdgeService, ns, bottle, EdgeRole, spec, [edge, ca], volumes);
        deployment.Spec.Template.Spec.EnableServiceLinks = true;
        yield return deployment;
    }

    public static V1Container Container(ContainerSpec spec, string name) => new()
    {
        Name = name,
        Image = spec.Image,
        ImagePullPolicy = "IfNotPresent",
        Command = spec.Entrypoint is { } entrypoint ? [.. entrypoint] : null,
        SecurityContext = KubernetesHardening.Container(spec),
        Resources = KubernetesHardening.Resources(spec),
        ReadinessProbe = spec.Health is { } health ? new V1Probe
        {
            Exec = new V1ExecAction { Command = [.. health.Command] },
            PeriodSeconds = (int)health.Interval.TotalSeconds,
            TimeoutSeconds = (int)health.Timeout.TotalSeconds,
            FailureThreshold = health.Retries,
        } : null,
    };

    public static V1PodSpec PodSpec(ContainerSpec spec, List<V1Container> containers, List<V1Volume> volumes) => new()
    {
        AutomountServiceAccountToken = false,
        EnableServiceLinks = false,
        SecurityContext = KubernetesHardening.Pod(spec),
        Containers = containers,
        Volumes = volumes,
    };

    private static V1Deployment Deployment(string name, string ns, ResolvedBottle bottle, string role, ContainerSpec spec, List<V1Container> containers,
        List<V1Volume> volumes) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "Deployment",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = Labels(bottle, role) },
        Spec = new V1DeploymentSpec
        {
            Replicas = 1,
            Selector = new V1LabelSelector { MatchLabels = Selector(role) },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = Labels(bottle, role) },
                Spec = PodSpec(spec, containers, volumes),
            },
        },
    };

    private static V1Service Service(string name, string ns, ResolvedBottle bottle, string role, params (string Name, int Port)[] ports) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = Labels(bottle, role) },
        Spec = new V1ServiceSpec
        {
            Selector = Selector(role),
            Ports = [.. ports.Select(p => new V1ServicePort { Name = p.Name, Port = p.Port, TargetPort = p.Port, Protocol = "TCP" })],
        },
    };

    public static V1ConfigMap ConfigMap(string name, string ns, ResolvedBottle bottle, IDictionary<string, string> data) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = Labels(bottle) },
        Data = data,
    };

    private static V1Volume ConfigVolume(string name, string configMap) => new() { Name = name, ConfigMap = new V1ConfigMapVolumeSource { Name = configMap } };

    private static V1ContainerPort Port(string name, int port) => new() { Name = name, ContainerPort = port, Protocol = "TCP" };
}
