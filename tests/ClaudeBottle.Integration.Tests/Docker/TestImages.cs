using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using ClaudeBottle.Launcher.Runtime;
using ClaudeBottle.Launcher.Planning;

namespace ClaudeBottle.Integration.Tests.Docker;

/// <summary>
/// Images the integration tests build from the offline base image, once per test run and only when their inputs
/// changed (the tag is a hash of them): the pipelock stand-in, and a test agent that just sleeps so that tests can
/// exec probes inside it.
/// </summary>
public static class TestImages
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly Dictionary<string, string> Built = [];

    /// <summary>The pipelock stand-in, published from tests/PipelockStandIn.</summary>
    public static Task<string> ProxyAsync() => OnceAsync("proxy", BuildStandInAsync);

    /// <summary>The stand-in for Claude's API, published from tests/AnthropicStandIn (.NET needs libssl for TLS).</summary>
    public static Task<string> ApiStandInAsync() => OnceAsync("api-standin", async () =>
    {
        var binary = await PublishAsync("AnthropicStandIn", "anthropic-standin");
        return await BuildAsync("claude-bottle-test/anthropic-standin", $$"""
            FROM {{TestEngine.BaseImage}}
            RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libssl3 >/dev/null && rm -rf /var/lib/apt/lists/*
            COPY anthropic-standin /anthropic-standin
            ENTRYPOINT ["/anthropic-standin"]
            """, files: [new ContextFile("anthropic-standin", binary, Executable: true)]);
    });

    /// <summary>An agent whose "claude" just waits, so that tests can exec probes inside it.</summary>
    public static Task<string> AgentAsync() => ClaudeImageAsync("claude-bottle-test/agent", "exec sleep infinity");

    /// <summary>An agent that prints a line and exits with <paramref name="code"/>, like a headless run.</summary>
    public static Task<string> ExitingAgentAsync(int code) =>
        ClaudeImageAsync("claude-bottle-test/exiting-agent", $"echo 'hello from the agent'; echo 'a complaint' >&2; sleep 1; exit {code}");

    /// <summary>
    /// A stand-in for Claude Code that reports how it was started (arguments, whether the token arrived, its user)
    /// on stderr, then speaks stream-json on stdout; the prompt "please fail" makes it fail with exit code 4.
    /// </summary>
    public static Task<string> FakeClaudeAsync() => ClaudeImageAsync("claude-bottle-test/fake-claude", """
                for a in "$@"; do echo "fake-claude arg: $a" >&2; done
                if [ -n "${CLAUDE_CODE_OAUTH_TOKEN:-}" ]; then echo "fake-claude token: present, ${#CLAUDE_CODE_OAUTH_TOKEN} characters" >&2
                else echo "fake-claude token: missing" >&2; fi
                echo "fake-claude scrub: ${CLAUDE_CODE_SUBPROCESS_ENV_SCRUB:-unset}" >&2
                echo "fake-claude user: $(id -un) uid=$(id -u)" >&2
                echo "fake-claude proxy: ${HTTPS_PROXY:-unset}" >&2
                prompt=""; while [ $# -gt 0 ]; do if [ "$1" = "--" ]; then prompt="$2"; shift; fi; shift; done
                echo '{"type":"system","subtype":"init","session_id":"fake","model":"fake-model","permissionMode":"bypassPermissions"}'
                echo '{"type":"assistant","message":{"content":[{"type":"text","text":"hello from fake claude"},{"type":"tool_use","name":"Bash","input":{"command":"echo hi"}}]}}'
                echo '{"type":"user","message":{"content":[{"type":"tool_result","content":"hi","is_error":false}]}}'
                sleep 3
                if [ "$prompt" = "please fail" ]; then
                  echo '{"type":"result","subtype":"error_during_execution","is_error":true,"num_turns":2,"total_cost_usd":0.0042}'; exit 4
                fi
                echo '{"type":"result","subtype":"success","is_error":false,"num_turns":2,"total_cost_usd":0.0042,"result":"all good"}'
                """);

    /// <summary>A stand-in for Claude with git (as the standard image has it), running <paramref name="script"/> in /workspace.</summary>
    public static Task<string> GitClaudeAsync(string script) => OnceAsync($"git-claude\n{script}", () => BuildAsync("claude-bottle-test/git-claude", $$"""
        FROM {{TestEngine.BaseImage}}
        RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends git >/dev/null && rm -rf /var/lib/apt/lists/*
        RUN useradd --create-home --uid 1000 claude && mkdir -p /home/claude/.claude/skills /workspace && chown -R claude /home/claude /workspace
        COPY claude /usr/local/bin/claude
        USER claude
        WORKDIR /workspace
        """, files: [Script("claude", script)]));

    /// <summary>An interactive stand-in for Claude: reads one line from its terminal, echoes it, exits with code 5.</summary>
    public static Task<string> InteractiveClaudeAsync() => ClaudeImageAsync("claude-bottle-test/interactive-claude", """
        echo "fake claude ready, tty: $(test -t 0 && echo yes || echo no)"
        read -r line
        echo "got: $line"
        exit 5
        """);

    /// <summary>The machine's CA bundle: this network re-signs TLS, so npm inside the build needs it (the extra-CA feature).</summary>
    private const string HostCaBundle = "/etc/ssl/certs/ca-certificates.crt";

    /// <summary>How the tests build the real standard agent image: from the offline base, trusting the machine's CAs.</summary>
    public static AgentImageSettings StandardSettings => new()
    {
        BaseImage = TestEngine.BaseImage,
        ExtraCaCertificatesFile = File.Exists(HostCaBundle) ? HostCaBundle : null,
    };

    /// <summary>The real standard agent image (Claude Code and Node), built once by the product's builder.</summary>
    public static Task<string> StandardAgentAsync() => OnceAsync("standard-agent", () => EnsureAsync(AgentImages.Standard(StandardSettings)));

    /// <summary>
    /// The telemetry sink's image as the product builds it from the offline base: built here once per test run, so
    /// that app hosts started by concurrent tests find it rather than each building it.
    /// </summary>
    public static Task<string> SinkAsync() =>
        OnceAsync("telemetry-sink", () => EnsureAsync(AgentImages.Sink(new AgentImageSettings { BaseImage = TestEngine.BaseImage })));

    /// <summary>How the product builds the isolation probe's image from the offline base.</summary>
    private static ImageRecipe ProbeRecipe => AgentImages.Probe(new AgentImageSettings { BaseImage = TestEngine.BaseImage });

    /// <summary>How the product builds the edge's image (mitmproxy and the addon) from the offline base.</summary>
    public static ImageRecipe EdgeRecipe => AgentImages.Edge(new AgentImageSettings { BaseImage = TestEngine.BaseImage });

    /// <summary>The edge's image, as the product builds it, built here once per test run.</summary>
    public static Task<string> EdgeAsync() => OnceAsync("edge", () => EnsureAsync(EdgeRecipe));

    /// <summary>The edge image's tag, for plans made without awaiting (build it first with <see cref="EdgeAsync"/>).</summary>
    public static string EdgeTag => EdgeRecipe.Tag;

    /// <summary>The isolation probe's image, as the product builds it, built here once per test run (see <see cref="SinkAsync"/>).</summary>
    public static Task<string> ProbeAsync() => OnceAsync("probe", () => EnsureAsync(ProbeRecipe));

    /// <summary>The probe image's tag, for plans made without awaiting (build it first with <see cref="ProbeAsync"/>).</summary>
    public static string ProbeTag => ProbeRecipe.Tag;

    /// <summary>
    /// The standard image with a stand-in for Claude that exports <paramref name="otlpLogs"/> and
    /// <paramref name="otlpMetrics"/> (OTLP/HTTP bodies) to the endpoint it is given, as Claude Code's exporter does,
    /// prints its TRACEPARENT, then stays up.
    /// </summary>
    public static async Task<string> TelemetryClaudeAsync(byte[] otlpLogs, byte[] otlpMetrics)
    {
        var standard = await StandardAgentAsync();
        return await OnceAsync($"telemetry-claude\n{Convert.ToBase64String(otlpLogs)}\n{Convert.ToBase64String(otlpMetrics)}", () => BuildAsync("claude-bottle-test/telemetry-claude", $$"""
            FROM {{standard}}
            USER root
            RUN rm -f /usr/local/bin/claude
            COPY claude /usr/local/bin/claude
            COPY logs.bin metrics.bin /usr/local/share/fake-claude/
            USER claude
            """, files:
        [
            Script("claude", """
                echo "fake-claude traceparent: ${TRACEPARENT:-unset}" >&2
                for i in $(seq 1 60); do
                  if curl -sf -o /dev/null -m 2 -H 'Content-Type: application/x-protobuf' --data-binary @/usr/local/share/fake-claude/logs.bin "$OTEL_EXPORTER_OTLP_ENDPOINT/v1/logs" &&
                     curl -sf -o /dev/null -m 2 -H 'Content-Type: application/x-protobuf' --data-binary @/usr/local/share/fake-claude/metrics.bin "$OTEL_EXPORTER_OTLP_ENDPOINT/v1/metrics"; then
                    echo "fake-claude: telemetry exported" >&2; break
                  fi
                  sleep 1
                done
                exec sleep infinity
                """),
            new ContextFile("logs.bin", otlpLogs),
            new ContextFile("metrics.bin", otlpMetrics),
        ]));
    }

    /// <summary>
    /// An agent image from the offline base whose <c>claude</c> is <paramref name="script"/>, with
    /// <paramref name="files"/> in <c>/stand-in</c>: a stand-in for an agent that behaves as a test needs.
    /// </summary>
    public static Task<string> StandInAgentAsync(string repository, string script, params ContextFile[] files) =>
        OnceAsync($"{repository}\n{script}\n{string.Join(",", files.Select(f => $"{f.Name}:{f.Content.Length}"))}", () => BuildAsync(repository, $$"""
            FROM {{TestEngine.BaseImage}}
            RUN useradd --create-home --uid 1000 claude && mkdir -p /home/claude/.claude/skills /workspace && chown -R claude /home/claude /workspace
            COPY claude /usr/local/bin/claude
            {{(files.Length == 0 ? "" : $"COPY {string.Join(' ', files.Select(f => f.Name))} /stand-in/")}}
            USER claude
            WORKDIR /home/claude
            """, files: [Script("claude", script), .. files]));

    /// <summary>An agent image whose <c>claude</c> is <paramref name="script"/>, run as the non-root user claude.</summary>
    private static Task<string> ClaudeImageAsync(string repository, string script) => OnceAsync($"{repository}\n{script}", () => BuildAsync(repository, $$"""
        FROM {{TestEngine.BaseImage}}
        RUN useradd --create-home --uid 1000 claude && mkdir -p /home/claude/.claude/skills /workspace && chown -R claude /home/claude /workspace
        COPY claude /usr/local/bin/claude
        USER claude
        WORKDIR /home/claude
        """, files: [Script("claude", script)]));

    /// <summary>An image of a test's own from <paramref name="dockerfile"/> (no other files), built once per test run.</summary>
    public static Task<string> DerivedAsync(string repository, string dockerfile) =>
        OnceAsync($"{repository}\n{dockerfile}", () => BuildAsync(repository, dockerfile, files: []));

    /// <summary>Builds each image once per test run, whichever test asks first.</summary>
    private static async Task<string> OnceAsync(string key, Func<Task<string>> build)
    {
        await Gate.WaitAsync();
        try
        {
            if (!Built.TryGetValue(key, out var tag))
                Built[key] = tag = await build();
            return tag;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>An executable bash script for an image's context.</summary>
    public static ContextFile Script(string name, string body) =>
        new(name, Encoding.UTF8.GetBytes($"#!/bin/bash\n{body}\n"), Executable: true);

    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Join(dir.FullName, "ClaudeBottle.slnx")))
                    return dir.FullName;
            throw new InvalidOperationException("cannot find the repository root (ClaudeBottle.slnx) above the test assembly");
        }
    }

    private static async Task<string> BuildStandInAsync()
    {
        var binary = await PublishAsync("PipelockStandIn", "pipelock");
        return await BuildAsync("claude-bottle-test/pipelock-standin", $$"""
            FROM {{TestEngine.BaseImage}}
            COPY pipelock /pipelock
            USER 65534:65534
            ENTRYPOINT ["/pipelock"]
            """, files: [new ContextFile("pipelock", binary, Executable: true)]);
    }

    /// <summary>Publishes tests/<paramref name="project"/> as one self-contained file and returns it.</summary>
    private static async Task<byte[]> PublishAsync(string project, string binary)
    {
        var output = Directory.CreateTempSubdirectory($"{binary}-").FullName;
        try
        {
            await RunAsync("dotnet", ["publish", Path.Join(RepositoryRoot, "tests", project), "-c", "Release", "-o", output, "--nologo", "-v", "quiet"]);
            return await File.ReadAllBytesAsync(Path.Join(output, binary));
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    /// <summary>Builds through the product's own builder, under a tag that hashes the Dockerfile and the files.</summary>
    private static Task<string> BuildAsync(string repository, string dockerfile, IReadOnlyList<ContextFile> files)
    {
        List<ContextFile> context = [.. files, new ContextFile("Dockerfile", Encoding.UTF8.GetBytes(dockerfile))];
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in context)
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"{file.Name} {file.Executable}"));
            hash.AppendData(file.Content);
        }
        var tag = $"{repository}:{Convert.ToHexStringLower(hash.GetHashAndReset())[..16]}";

        var build = new ImageBuild(tag, "Dockerfile", new Dictionary<string, string>(), new Dictionary<string, string> { [TestEngine.TestLabel] = "image" });
        return EnsureAsync(new ImageRecipe(build, context));
    }

    /// <summary>Builds <paramref name="recipe"/> with the product's builder unless it exists; a failure carries the build's last lines.</summary>
    private static async Task<string> EnsureAsync(ImageRecipe recipe)
    {
        using var engine = new DockerContainerEngine();
        var output = new List<string>();
        try
        {
            await new AgentImageBuilder(engine).EnsureAsync(recipe, output.Add, CancellationToken.None);
        }
        catch (Exception e)
        {
            throw new InvalidOperationException($"building {recipe.Tag} failed: {e.Message}\n{string.Join("\n", output.TakeLast(30))}", e);
        }
        return recipe.Tag;
    }

    private static async Task RunAsync(string file, string[] args)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {await stdout}{await stderr}");
    }
}
