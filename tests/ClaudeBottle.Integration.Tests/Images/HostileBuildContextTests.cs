using ClaudeBottle.Integration.Tests.Docker;
using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Resolution;
using ClaudeBottle.Launcher.Runtime;
using Docker.DotNet.Models;

namespace ClaudeBottle.Integration.Tests.Images;

/// <summary>
/// A repository's build context holding links to the app host's files: the real engine builds it as docker build
/// would, and the image holds the links' text, never what they point to on the host.
/// </summary>
public sealed class HostileBuildContextTests
{
    private const string Marker = "HOST-FILE-THAT-MUST-NOT-REACH-THE-IMAGE";

    [SkippableFact]
    public async Task Links_to_host_files_reach_the_image_as_links_and_their_contents_never_do()
    {
        await TestEngine.RequireAsync();
        var root = Directory.CreateTempSubdirectory("claude-bottle-hostile-context-").FullName;
        using var engine = new DockerContainerEngine();
        using var client = TestEngine.CreateClient();
        string? tag = null, container = null;
        try
        {
            var hostFile = Path.Join(root, "host-secret.txt");
            await File.WriteAllTextAsync(hostFile, Marker);
            var context = Directory.CreateDirectory(Path.Join(root, "context")).FullName;
            await File.WriteAllTextAsync(Path.Join(context, "Dockerfile"), $$"""
                ARG {{AgentImages.BaseImageArgument}}
                FROM ${{{AgentImages.BaseImageArgument}}}
                COPY . /ctx/
                RUN cat /ctx/host /ctx/env > /ctx/read-at-build 2>&1 || echo "unreadable at build" > /ctx/read-at-build
                """);
            File.CreateSymbolicLink(Path.Join(context, "host"), hostFile);
            File.CreateSymbolicLink(Path.Join(context, "env"), "/proc/self/environ");
            Directory.CreateSymbolicLink(Path.Join(context, "hostdir"), root);

            // The base argument names the offline Debian image, standing in for the standard agent image.
            var recipe = AgentImages.Custom(new ImageSource.Build(context, Path.Join(context, "Dockerfile")), TestEngine.BaseImage);
            tag = recipe.Tag;
            var output = new List<string>();
            await new AgentImageBuilder(engine).EnsureAsync(recipe, output.Add, CancellationToken.None);

            var created = await client.Containers.CreateContainerAsync(new CreateContainerParameters
            {
                Image = tag,
                Entrypoint = ["bash", "-c"],
                Cmd = ["""
                    echo "host -> $(readlink /ctx/host)"; echo "env -> $(readlink /ctx/env)"; echo "hostdir -> $(readlink /ctx/hostdir)"
                    test -L /ctx/host && test -L /ctx/env && test -L /ctx/hostdir && echo "all links"
                    cat /ctx/read-at-build
                    grep -rl --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev HOST-FILE-THAT-MUST-NOT /ctx /etc /root /tmp /var /usr 2>/dev/null || echo "marker nowhere"
                    """],
                Labels = new Dictionary<string, string> { [TestEngine.TestLabel] = "hostile-context" },
            });
            container = created.ID;
            await client.Containers.StartContainerAsync(container, new ContainerStartParameters());
            var exit = await client.Containers.WaitContainerAsync(container);
            using var logs = await client.Containers.GetContainerLogsAsync(container, new ContainerLogsParameters { ShowStdout = true, ShowStderr = true });
            var (stdout, stderr) = await logs.ReadOutputToEndAsync(CancellationToken.None);

            exit.StatusCode.Should().Be(0, stdout + stderr);
            stdout.Should().Contain($"host -> {hostFile}").And.Contain("env -> /proc/self/environ").And.Contain($"hostdir -> {root}")
                .And.Contain("all links").And.Contain("marker nowhere");
            stdout.Should().NotContain(Marker, "the host file's content must be in no layer of the image");
            string.Join("\n", output).Should().NotContain(Marker);
        }
        finally
        {
            if (container is not null)
                await client.Containers.RemoveContainerAsync(container, new ContainerRemoveParameters { Force = true });
            if (tag is not null)
                await client.Images.DeleteImageAsync(tag, new ImageDeleteParameters { Force = true });
            Directory.Delete(root, recursive: true);
        }
    }
}
