using ClaudeBottle.Launcher.Planning;
using Docker.DotNet.Models;
using ContainerSpec = ClaudeBottle.Launcher.Planning.ContainerSpec;

namespace ClaudeBottle.Launcher.Runtime;

/// <summary>A <see cref="ContainerSpec"/> as the engine's create request.</summary>
internal static class ContainerParameters
{
    public static CreateContainerParameters From(ContainerSpec spec)
    {
        var host = new HostConfig
        {
            NetworkMode = spec.Network,
            Init = true,
            ReadonlyRootfs = spec.ReadOnlyRootFilesystem,
            CapDrop = spec.DropAllCapabilities ? ["ALL"] : [],
            SecurityOpt = spec.NoNewPrivileges ? ["no-new-privileges:true"] : [],
            Tmpfs = new Dictionary<string, string>(spec.Tmpfs),
            // Binds as mounts, not "source:target:mode" text: a ':' in a path cannot split it, and a source that is
            // missing fails the create instead of being made, as an empty root-owned directory, by the engine.
            Mounts =
            [
                .. spec.Binds.Select(b => new Mount { Type = "bind", Source = b.Source, Target = b.Target, ReadOnly = b.ReadOnly }),
                .. spec.AnonymousVolumes.Select(target => new Mount { Type = "volume", Target = target }),
                // A named volume is filled from the image's content at its target the first time it is mounted empty.
                .. spec.NamedVolumes.Select(v => new Mount { Type = "volume", Source = v.Volume, Target = v.Target, ReadOnly = v.ReadOnly }),
            ],
            VolumesFrom = spec.VolumesFrom.ToList(),
            RestartPolicy = new RestartPolicy { Name = spec.RestartUnlessStopped ? RestartPolicyKind.UnlessStopped : RestartPolicyKind.No },
            NanoCPUs = spec.Cpus is { } cpus ? (long)(cpus * 1e9) : 0,
            Memory = spec.MemoryBytes ?? 0,
            // Equal to Memory: no swap. Left unset, the engine lets a container swap as much again as its memory limit.
            MemorySwap = spec.MemoryBytes ?? 0,
            PidsLimit = spec.Pids,
            DNS = spec.Dns.ToList(),
            LogConfig = new LogConfig
            {
                Type = LogRotation.Driver,
                Config = new Dictionary<string, string> { ["max-size"] = spec.Logs.MaxSize, ["max-file"] = spec.Logs.Files.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            },
        };
        return new CreateContainerParameters
        {
            Name = spec.Name,
            Image = spec.Image,
            // Null keeps the image's own command.
            Cmd = spec.Command?.ToList()!,
            Entrypoint = spec.Entrypoint?.ToList()!,
            Env = spec.Environment.Select(e => $"{e.Key}={e.Value}").ToList(),
            Labels = new Dictionary<string, string>(spec.Labels),
            User = spec.User!,
            Tty = spec.Tty,
            OpenStdin = spec.Tty || spec.OpenStdin,
            // The edge's secrets: one writer, attached before start; its close is the container's end of input.
            StdinOnce = spec.OpenStdin,
            AttachStdin = spec.OpenStdin,
            Healthcheck = spec.Health is { } h ? new HealthcheckConfig
            {
                Test = ["CMD", .. h.Command],
                Interval = h.Interval,
                Timeout = h.Timeout,
                Retries = h.Retries,
            } : null!,
            HostConfig = host,
            NetworkingConfig = new NetworkingConfig
            {
                EndpointsConfig = new Dictionary<string, EndpointSettings>
                {
                    [spec.Network] = new()
                    {
                        Aliases = spec.NetworkAliases.ToList(),
                        IPAMConfig = spec.IPv4Address is { } address ? new EndpointIPAMConfig { IPv4Address = address } : null,
                    },
                },
            },
        };
    }
}
