using System.CommandLine;
using System.Globalization;
using Chatire.Configuration;
using Chatire.Core;

namespace Chatire.Cli;

/// <summary><c>chatire token ...</c>: long-lived tokens for scripts and bots.</summary>
public static class TokenCommand
{
    public static Command Create(CliConsole console)
    {
        var token = new Command("token", """
            Create, list and revoke auth tokens (for bots and scripts). Tokens are stored hashed:
            a token is shown once, when it is created. rotate-key replaces the secret access and
            refresh tokens are signed with, which ends every one of them.

            Examples:
              chatire token create alice --lifetime 30d --label deploy-bot
              chatire token list --user alice
              chatire token revoke 12
              chatire token revoke --user alice
              chatire token rotate-key
            """);
        token.Subcommands.Add(CreateCommand(console));
        token.Subcommands.Add(ListCommand(console));
        token.Subcommands.Add(RevokeCommand(console));
        token.Subcommands.Add(RotateKeyCommand(console));
        return token;
    }

    private static Command CreateCommand(CliConsole console)
    {
        var user = new Argument<string>("user") { Description = "The user the token acts as." };
        var lifetime = new Option<string?>("--lifetime") { Description = "How long the token lives, e.g. 12h or 30d [default: --token-lifetime].", HelpName = "DURATION" };
        var label = new Option<string?>("--label") { Description = "A note to recognise the token by in 'token list'." };
        var command = new Command("create", "Create an auth token and print it once.\n\nExamples:\n  chatire token create alice --lifetime 30d --label deploy-bot") { user, lifetime, label };
        var settings = SettingOptions.AddTo(command, CommandSettings.Tokens);
        command.SetAction(async (parseResult, _) =>
        {
            TimeSpan? life = null;
            if (parseResult.GetValue(lifetime) is { } text)
            {
                if (!SettingParsers.TryParseDuration(text, out var parsed) || parsed < TimeSpan.FromSeconds(1))
                {
                    throw new CliException($"--lifetime must be {SettingParsers.DurationForms}; not \"{text}\".", ExitCodes.Usage);
                }

                life = parsed;
            }

            await using var context = AdminContext.Open(settings, parseResult, console);
            var owner = context.RequireUser(parseResult.GetValue(user)!);
            var issued = await context.Tokens.IssueAuthTokenAsync(owner.Id, life, parseResult.GetValue(label)).ConfigureAwait(false);
            await console.Error.WriteLineAsync($"Token {issued.Record.Id} for '{owner.Username}', expires {Timestamps.ToText(issued.Record.Expires)}. It is not shown again:").ConfigureAwait(false);
            await console.Out.WriteLineAsync(issued.Value).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command ListCommand(CliConsole console)
    {
        var user = new Option<string?>("--user") { Description = "Only this user's tokens." };
        var all = new Option<bool>("--all") { Description = "Include revoked and expired tokens." };
        var command = new Command("list", "List tokens (ids, kinds, labels, expiry; never the tokens themselves).\n\nExamples:\n  chatire token list --user alice") { user, all };
        var settings = SettingOptions.AddTo(command, CommandSettings.Data);
        command.SetAction(async (parseResult, _) =>
        {
            await using var context = AdminContext.Open(settings, parseResult, console);
            long? userId = parseResult.GetValue(user) is { } name ? context.RequireUser(name).Id : null;
            var names = context.Users.List().ToDictionary(u => u.Id, u => u.Username);
            var now = DateTimeOffset.UtcNow;
            var table = new TextTable("ID", "USER", "KIND", "LABEL", "CREATED", "EXPIRES", "STATE");
            foreach (var token in new Storage.TokenStore(context.Database).List(userId))
            {
                var state = token.Revoked is not null ? "revoked" : token.Expires <= now ? "expired" : "active";
                if (state != "active" && !parseResult.GetValue(all))
                {
                    continue;
                }

                table.Add(token.Id.ToString(CultureInfo.InvariantCulture), names.GetValueOrDefault(token.UserId, "?"), token.Kind.ToText(),
                    token.Label ?? "", Timestamps.ToText(token.Created), Timestamps.ToText(token.Expires), state);
            }

            await console.Out.WriteAsync(table.Render()).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command RotateKeyCommand(CliConsole console)
    {
        var command = new Command("rotate-key", """
            Replace the secret that signs access and refresh tokens. Every access and refresh token ends
            (clients log in again; sockets opened with them close with 4401 within about two seconds,
            also on a running server). auth_tokens are not signed and keep working.

            Examples:
              chatire token rotate-key
              chatire token rotate-key --db /var/lib/chatire/chatire.db
            """);
        var settings = SettingOptions.AddTo(command, [SettingNames.Db]);
        command.SetAction(async (parseResult, _) =>
        {
            await using var context = AdminContext.Open(settings, parseResult, console);
            var revoked = await context.Tokens.RotateSigningKeyAsync().ConfigureAwait(false);
            await console.Out.WriteLineAsync($"Replaced the token signing key; revoked {revoked} access and refresh token(s).").ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command RevokeCommand(CliConsole console)
    {
        var id = new Argument<long?>("id") { Description = "The token id (from 'token list').", Arity = ArgumentArity.ZeroOrOne };
        var user = new Option<string?>("--user") { Description = "Revoke every token of this user instead." };
        var command = new Command("revoke", "Revoke one token, or all of a user's.\n\nExamples:\n  chatire token revoke 12\n  chatire token revoke --user alice") { id, user };
        var settings = SettingOptions.AddTo(command, CommandSettings.Data);
        command.SetAction(async (parseResult, _) =>
        {
            var tokenId = parseResult.GetValue(id);
            var username = parseResult.GetValue(user);
            if ((tokenId is null) == (username is null))
            {
                throw new CliException("Give either a token id or --user NAME.", ExitCodes.Usage);
            }

            await using var context = AdminContext.Open(settings, parseResult, console);
            if (username is not null)
            {
                var owner = context.RequireUser(username);
                var count = await context.Tokens.RevokeAllAsync(owner.Id).ConfigureAwait(false);
                await console.Out.WriteLineAsync($"Revoked {count} token(s) of '{owner.Username}'.").ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            if (!await context.Tokens.RevokeByIdAsync(tokenId!.Value).ConfigureAwait(false))
            {
                throw new CliException($"There is no active token with id {tokenId}.");
            }

            await console.Out.WriteLineAsync($"Revoked token {tokenId}.").ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }
}
