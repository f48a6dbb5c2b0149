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

    /// <summary>As the real Claude Code 2.1.332 ends a run whose API call failed: nulls where numbers were.</summary>
    [Fact]
    public void A_failed_api_call_names_its_status_and_nulls_do_not_end_the_console() =>
        ClaudeStreamRenderer.Render("""{"type":"result","subtype":"success","is_error":true,"api_error_status":400,"num_turns":1,"total_cost_usd":null,"duration_ms":null,"result":"API Error: 400 no"}""")
            .Should().Equal("failed (API error 400), 1 turn: API Error: 400 no");

    [Fact]
    public void The_skills_claude_found_and_its_api_retries_are_shown_and_an_allowed_rate_limit_is_not()
    {
        ClaudeStreamRenderer.Render("""{"type":"system","subtype":"init","model":"m","permissionMode":"default","skills":["haiku-style","debug"]}""")
            .Should().Equal("session started (model m, permission mode default)", "skills: haiku-style, debug");
        ClaudeStreamRenderer.Render("""{"type":"system","subtype":"api_retry","attempt":1,"max_retries":10,"retry_delay_ms":1500,"error_status":529,"error":"overloaded"}""")
            .Should().Equal("API error 529 (overloaded); retry 1 of 10 in 1.5 s");
        ClaudeStreamRenderer.Render("""{"type":"system","subtype":"api_retry","attempt":1,"max_retries":1,"retry_delay_ms":500,"error_status":null,"error":"unknown"}""")
            .Should().Equal("API error (unknown); retry 1 of 1 in 0.5 s");
        ClaudeStreamRenderer.Render("""{"type":"rate_limit_event","rate_limit_info":{"status":"allowed"}}""").Should().BeEmpty();
        ClaudeStreamRenderer.Render("""{"type":"rate_limit_event","rate_limit_info":{"status":"rejected"}}""").Should().Equal("rate limit: rejected");
    }

    [Theory]
    [InlineData("""{"type":"result","num_turns":"three"}""")]
    [InlineData("""{"type":"system","subtype":"init","skills":"not a list"}""")]
    public void An_event_of_an_unexpected_shape_is_rendered_or_passed_through_never_thrown(string line) =>
        ClaudeStreamRenderer.Render(line).Should().NotBeEmpty();

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
