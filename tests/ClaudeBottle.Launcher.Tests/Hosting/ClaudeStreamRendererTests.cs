using ClaudeBottle.Launcher.Hosting;

namespace ClaudeBottle.Launcher.Tests.Hosting;

public sealed class ClaudeStreamRendererTests
{
    [Fact]
    public void Renders_a_headless_session_as_readable_lines()
    {
        string[] stream =
        [
            """{"type":"system","subtype":"init","session_id":"s","model":"claude-sonnet-4-5","permissionMode":"bypassPermissions","tools":["Bash"]}""",
            """{"type":"assistant","message":{"content":[{"type":"text","text":"I will list the files.\nThen summarise."},{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"ls /workspace"}}]}}""",
            """{"type":"user","message":{"content":[{"type":"tool_result","tool_use_id":"t1","content":"README.md\nsrc","is_error":false}]}}""",
            """{"type":"user","message":{"content":[{"type":"tool_result","tool_use_id":"t2","content":[{"type":"text","text":"permission denied"}],"is_error":true}]}}""",
            """{"type":"result","subtype":"success","is_error":false,"duration_ms":12345,"num_turns":3,"result":"Two files.","total_cost_usd":0.01234}""",
        ];

        stream.SelectMany(ClaudeStreamRenderer.Render).Should().Equal(
            "session started (model claude-sonnet-4-5, permission mode bypassPermissions)",
            "assistant: I will list the files.",
            "assistant: Then summarise.",
            """tool: Bash {"command":"ls /workspace"}""",
            "tool result: README.md src",
            "tool error: permission denied",
            "done, 3 turns, $0.0123, 12.3 s: Two files.");
    }

    [Fact]
    public void A_failed_run_says_so() =>
        ClaudeStreamRenderer.Render("""{"type":"result","subtype":"error_max_turns","is_error":true,"num_turns":1,"total_cost_usd":0}""")
            .Should().Equal("failed (error_max_turns), 1 turn, $0.0000");

    [Theory]
    [InlineData("plain text from the agent")]
    [InlineData("{not json")]
    [InlineData("""{"type":"something_new","x":1}""")]
    public void Other_lines_pass_through_unchanged(string line) => ClaudeStreamRenderer.Render(line).Should().Equal(line);

    [Fact]
    public void Long_tool_input_is_shortened() =>
        ClaudeStreamRenderer.Render($$$"""{"type":"assistant","message":{"content":[{"type":"tool_use","name":"Write","input":{"content":"{{{new string('x', 1000)}}}"}}]}}""")
            .Single().Should().HaveLength("tool: Write ".Length + 300).And.EndWith("...");
}
