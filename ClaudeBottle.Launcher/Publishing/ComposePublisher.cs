using System.Text;
using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Resolution;
using ClaudeBottle.Launcher.Runtime;
using ClaudeBottle.Launcher.Planning;

namespace ClaudeBottle.Launcher.Publishing;

/// <summary>What a published deployment is made from, besides the bottles.</summary>
public sealed record ComposeSettings
{
    public string PipelockImage { get; init; } = Planning.PipelockImage.Reference;
    public AgentImageSettings AgentImage { get; init; } = new();
    public string? PrebuiltAgentImage { get; init; }
    /// <summary>A ready isolation-probe image; built from <c>docker/probe</c> when unset.</summary>
    public string? ProbeImage { get; init; }
    /// <summary>A ready edge image (<c>ClaudeBottle:EdgeImage</c>); built from <c>docker/edge</c> when unset.</summary>
    public string? EdgeImage { get; init; }

    /// <summary>The manifest's folder: a build context is published only from inside it. Null: no such check (tests).</summary>
    public string? ManifestDirectory { get; init; }

    /// <summary>The cap on a build context (<c>ClaudeBottle:MaxBuildContextSize</c>).</summary>
    public long MaxContextBytes { get; init; } = BuildContext.DefaultMaxBytes;
}

/// <summary>
/// Writes a Docker Compose deployment of the bottles: the same topology as run mode (it is made from the same
/// <see cref="BottlePlan"/>): per bottle three networks, pipelock, the edge, the isolation probe and the agent. No real
/// value is ever written: the agents hold placeholders, and each edge reads the real values from a secrets file the
/// operator fills in (<see cref="ComposeEdge"/>). The output is a function of the manifest, except what is drawn at
/// random for each publish, as for each run: the scan API's token and the placeholders. Stable ordering, no timestamps.
/// </summary>
public static class ComposePublisher
{
    public const string ProjectName = "claude-bottle";
    public const string ComposeFileName = "docker-compose.yaml";
    public const string EnvExampleFileName = ".env.example";

    /// <summary>
    /// What publishing resolves a <c>${NAME}</c> to: it reads no value, so these only shape the placeholders made from
    /// them. Claude's token keeps the form of a Claude OAuth token (for Claude Code); any other reads
    /// <c>placeholder_…</c>, which no one takes for a credential.
    /// </summary>
    // A placeholder keeps its value's prefix (up to a '-' or '_' early on), length and alphabet: a Claude OAuth token is
    // 108 characters of base64url.
    private static readonly string ClaudeTokenShape = "sk-ant-oat01-" + new string('A', 91) + "a0-_";
    private static readonly string OtherShape = "placeholder_" + new string('A', 30) + "a0";

    /// <summary>The files of the deployment, by path relative to the output directory.</summary>
    /// <param name="bottles">The bottles, resolved for publishing (<see cref="Resolve"/>).</param>
    /// <param name="settings">Images and options of the deployment.</param>
    /// <param name="executables">Receives the paths of files that must be executable (scripts of build contexts and skills).</param>
    /// <param name="links">Receives the symbolic links of build contexts (path, then the link's text): written as links, never followed.</param>
    public static SortedDictionary<string, byte[]> Publish(IReadOnlyList<ResolvedBottle> bottles, ComposeSettings settings, ISet<string>? executables = null,
        IDictionary<string, string>? links = null)
    {
        executables ??= new HashSet<string>(StringComparer.Ordinal);
        links ??= new SortedDictionary<string, string>(StringComparer.Ordinal);
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        var compose = new ComposeFile();
        string? caFile = null;
        if (settings.AgentImage.ExtraCaCertificatesFile is { } ca)
        {
            caFile = "./ca/extra-ca-certificates.crt";
            files["ca/extra-ca-certificates.crt"] = File.ReadAllBytes(ca);
        }

        var (probeImage, probeBuild) = ComposeProbe.Image(settings, files);
        var (edgeImage, edgeBuild) = ComposeEdge.Image(settings, files);
        foreach (var bottle in bottles.OrderBy(b => b.Name, StringComparer.Ordinal))
        {
            var (agentImage, build) = AgentImage(bottle, settings, files, executables, links);
            var proxyConfig = $"pipelock/{bottle.Name}.yaml";
            var edgeConfig = ComposeEdge.ConfigFile(bottle.Name);
            // The plan draws the scan API's token, as for a run: both configurations hold it (docs/publish.md says why
            // a file may).
            var plan = BottlePlan.Create(bottle, new BottlePlanSettings(ProjectName, "", "", settings.PipelockImage, agentImage, $"./{proxyConfig}", caFile,
                ProbeImage: probeImage, EdgeImage: edgeImage, EdgeConfigFile: $"./{edgeConfig}"));
            files[proxyConfig] = Encoding.UTF8.GetBytes(plan.ProxyConfig);
            files[edgeConfig] = Encoding.UTF8.GetBytes(plan.EdgeConfig);

            foreach (var network in new[] { plan.InternalNetwork, plan.MiddleNetwork, plan.EgressNetwork })
                compose.Networks[network.Name] = ComposeServices.Network(network);
            compose.Services[plan.Proxy.Name] = ComposeServices.Service(plan.Proxy, plan, bottle);
            var edgeSpec = plan.Edge!;
            var edge = ComposeServices.Service(edgeSpec, plan, bottle);
            ComposeEdge.Wire(compose, edge, edgeBuild, bottle, files);
            compose.Services[edgeSpec.Name] = edge;
            var agent = ComposeServices.Service(plan.Agent, plan, bottle);
            agent.Build = build;
            agent.Volumes = [.. plan.Agent.AnonymousVolumes.Select(ComposeServices.Escape), .. StateVolume(compose, plan, bottle),
                .. plan.Agent.Binds.Select(b => Volume(b, bottle, files, executables))];
            compose.Services[plan.Agent.Name] = agent;
            var probe = ComposeServices.Service(plan.Probe!, plan, bottle);
            ComposeProbe.Wire(probe, probeBuild, plan.Probe!.Name, plan.Proxy.Name, edgeSpec.Name, agent);
            compose.Services[plan.Probe.Name] = probe;
        }

        files[ComposeEdge.GitIgnoreFile] = ComposeEdge.GitIgnore;
        files[ComposeFileName] = Encoding.UTF8.GetBytes(
            "# Docker Compose deployment of claude-bottle, generated by `aspire publish` from claude-bottle.json.\n" +
            $"# Fill in {ComposeEdge.SecretsDirectory}/<agent>.json from its {ComposeEdge.ExampleSuffix} file, readable by uid 65534 alone (docs/publish.md),\n" +
            $"# copy {EnvExampleFileName} to .env, then: docker compose up -d\n" + ComposeYaml.Write(compose));
        // Compose fills in nothing from the shell (every '$' is escaped); .env only names the project.
        files[EnvExampleFileName] = Encoding.UTF8.GetBytes(
            "# Copy to .env. The deployment reads no variable: the real values go in secrets/<agent>.json.\n" +
            $"COMPOSE_PROJECT_NAME={ProjectName}\n");
        return files;
    }

    /// <summary>
    /// An agent that resumes keeps its Claude state in a volume of the deployment's (<c>&lt;agent&gt;-state</c>, under the
    /// compose project), so a deployment that is taken down and up again continues its conversation too.
    /// </summary>
    private static IEnumerable<string> StateVolume(ComposeFile compose, BottlePlan plan, ResolvedBottle bottle)
    {
        if (plan.StateVolume is null)
            yield break;
        var name = $"{bottle.Name}-state";
        compose.Volumes ??= new(StringComparer.Ordinal);
        compose.Volumes[name] = new ComposeVolume
        {
            Labels = new(StringComparer.Ordinal)
            {
                [BottleLabels.Project] = BottleLabels.ProjectValue, [BottleLabels.Role] = BottleLabels.StateRole, [BottleLabels.Agent] = bottle.Name,
            },
        };
        yield return $"{name}:{AgentLayout.ClaudeDirectory}";
    }

    /// <summary>
    /// Resolves a manifest for publishing. No value is read: every <c>${NAME}</c> resolves to a stand-in that only
    /// shapes the placeholder the agent gets, and the real values go into the secrets files on the target machine.
    /// </summary>
    public static IReadOnlyList<ResolvedBottle> Resolve(BottleManifest manifest) =>
        BottleResolver.Resolve(manifest, name => name == AgentLayout.TokenVariable ? ClaudeTokenShape : OtherShape);

    private static (string Image, ComposeBuild? Build) AgentImage(ResolvedBottle bottle, ComposeSettings settings, SortedDictionary<string, byte[]> files,
        ISet<string> executables, IDictionary<string, string> links)
    {
        // A deployment carries nothing from outside the manifest's folder; the context is read as docker build reads it.
        if (bottle.Image is ImageSource.Build { Context: var context } && settings.ManifestDirectory is { } folder
            && !HostPaths.IsWithin(context, HostPaths.Real(Path.GetFullPath(folder))))
            throw new BuildContextException($"the build context {context} of bottle '{bottle.Name}' lies outside the manifest's folder {folder}; " +
                                            "a published deployment carries nothing from outside it: move the context under that folder");
        var images = AgentImages.PlanFor(bottle.Image, settings.AgentImage, settings.PrebuiltAgentImage, settings.MaxContextBytes);
        if (images.Standard is { } standard)
            foreach (var file in standard.Files)
                files[$"images/agent/{file.Name}"] = file.Content;
        if (images.Own is { } own)
        {
            foreach (var file in own.Files)
            {
                if (file.LinkTarget is { } target)
                {
                    links[$"images/{bottle.Name}/{file.Name}"] = target;
                    continue;
                }
                if (file.IsDirectory)
                    continue; // Made as the files under it are written.
                files[$"images/{bottle.Name}/{file.Name}"] = file.Content;
                if (file.Executable)
                    executables.Add($"images/{bottle.Name}/{file.Name}");
            }
            return (own.Tag, new ComposeBuild
            {
                Context = $"./images/{bottle.Name}",
                Dockerfile = own.Build.Dockerfile,
                Args = new(own.Build.BuildArgs.ToDictionary(), StringComparer.Ordinal),
            });
        }
        return (images.Tag, images.Standard is { } built
            ? new ComposeBuild { Context = "./images/agent", Args = new(built.Build.BuildArgs.ToDictionary(), StringComparer.Ordinal) }
            : null);
    }

    /// <summary>
    /// Skills travel with the deployment, file by file as <see cref="SkillFolder"/> lists them (a link leading out of
    /// the skill stops the publish; nothing outside it is read); host files (ssh keys, the workspace) stay where they are.
    /// </summary>
    private static string Volume(BindMount bind, ResolvedBottle bottle, SortedDictionary<string, byte[]> files, ISet<string> executables)
    {
        var mount = ComposeServices.MountOf(bind, bottle);
        var source = bind.Source;
        if (mount?.Kind == MountKind.Skill)
        {
            var name = Path.GetFileName(mount.Target);
            var written = mount.Origin?.Written ?? mount.Source;
            var skillFiles = SkillFolder.Files(mount.Source, written, out var problem);
            if (problem is not null)
                throw new InvalidOperationException($"{ComposeServices.Where(mount)}{problem}; nothing was published");
            foreach (var (relative, file) in skillFiles)
            {
                var path = $"skills/{bottle.Name}/{name}/{relative.Replace('\\', '/')}";
                files[path] = File.ReadAllBytes(file);
                if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(file) & UnixFileMode.UserExecute) != 0)
                    executables.Add(path);
            }
            source = $"./skills/{bottle.Name}/{name}";
        }
        return ComposeServices.VolumeText(source, bind.Target, bind.ReadOnly, mount);
    }
}
