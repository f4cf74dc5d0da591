using Chatire.Tests.Infrastructure;

namespace Chatire.Tests.Tokens;

public sealed class TokenCliTests
{
    private static Task<CliRunner.Result> Cli(TestServer server, params string[] args) =>
        CliRunner.RunAsync([.. args, "--db", server.DatabasePath]);

    [Fact]
    public async Task TokenCreate_PrintsWorkingAuthTokenOnce()
    {
        await using var server = await TestServer.StartAsync();
        await server.Api.SignUpAsync("bot");

        var result = await Cli(server, "token", "create", "bot", "--label", "deploy-bot", "--lifetime", "30d");

        Assert.Equal(0, result.ExitCode);
        var token = result.Out.Trim();
        Assert.Equal(43, token.Length);
        Assert.Contains("not shown again", result.Error);
        var me = await server.Api.SendAsync(HttpMethod.Get, "/auth/users/me/", token: token, scheme: "Token");
        Assert.Equal(200, me.Code);
        Assert.Equal("bot", me.Body["username"]!.GetValue<string>());
    }

    [Fact]
    public async Task TokenList_ShowsLabelsNeverTokens()
    {
        await using var server = await TestServer.StartAsync();
        await server.Api.SignUpAsync("bot");
        await server.Api.SignUpAsync("other");
        var token = (await Cli(server, "token", "create", "bot", "--label", "nightly")).Out.Trim();
        await Cli(server, "token", "create", "other", "--label", "someone-else");

        var result = await Cli(server, "token", "list", "--user", "bot");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("nightly", result.Out);
        Assert.Contains("auth_token", result.Out);
        Assert.Contains("active", result.Out);
        Assert.DoesNotContain("someone-else", result.Out);
        Assert.DoesNotContain(token, result.Out);
    }

    [Fact]
    public async Task TokenRevoke_ById_StopsTheTokenOnTheRunningServer()
    {
        await using var server = await TestServer.StartAsync();
        await server.Api.SignUpAsync("bot");
        var token = (await Cli(server, "token", "create", "bot")).Out.Trim();
        Assert.Equal(200, (await server.Api.GetAsync("/auth/me/", token)).Code);
        var id = server.Server.TokenStore.List(null).Single().Id;

        var result = await Cli(server, "token", "revoke", id.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"Revoked token {id}", result.Out);
        // Another process's change reaches the server once its one-second lookup cache has passed.
        server.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(401, (await server.Api.GetAsync("/auth/me/", token)).Code);
        var listed = await Cli(server, "token", "list", "--all");
        Assert.Contains("revoked", listed.Out);
        Assert.DoesNotContain("revoked", (await Cli(server, "token", "list")).Out);
    }

    [Fact]
    public async Task TokenRevoke_ByUser_RevokesEveryTokenOfThatUser()
    {
        await using var server = await TestServer.StartAsync();
        var access = await server.Api.SignUpAndLoginAsync("ann");
        var cliToken = (await Cli(server, "token", "create", "ann")).Out.Trim();
        var other = await server.Api.SignUpAndLoginAsync("bob");

        var result = await Cli(server, "token", "revoke", "--user", "ann");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Revoked 3 token(s) of 'ann'", result.Out);
        server.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(401, (await server.Api.GetAsync("/auth/me/", access)).Code);
        Assert.Equal(401, (await server.Api.GetAsync("/auth/me/", cliToken)).Code);
        Assert.Equal(200, (await server.Api.GetAsync("/auth/me/", other)).Code);
    }

    [Fact]
    public async Task TokenCommands_BadInput_FailWithSentences()
    {
        await using var server = await TestServer.StartAsync();
        await server.Api.SignUpAsync("bot");

        var unknownUser = await Cli(server, "token", "create", "nobody");
        var badLifetime = await Cli(server, "token", "create", "bot", "--lifetime", "forever");
        var noTarget = await Cli(server, "token", "revoke");
        var unknownId = await Cli(server, "token", "revoke", "999");

        Assert.Equal(1, unknownUser.ExitCode);
        Assert.Contains("There is no user named 'nobody'.", unknownUser.Error);
        Assert.Equal(2, badLifetime.ExitCode);
        Assert.Contains("--lifetime", badLifetime.Error);
        Assert.Equal(2, noTarget.ExitCode);
        Assert.Equal(1, unknownId.ExitCode);
        Assert.Contains("no active token with id 999", unknownId.Error);
        Assert.Empty(server.Server.TokenStore.List(null));
    }
}
