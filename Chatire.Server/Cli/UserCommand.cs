using System.CommandLine;
using System.Text.Json;
using Chatire.Core;

namespace Chatire.Cli;

/// <summary><c>chatire user ...</c>: manage accounts directly in the database.</summary>
public static class UserCommand
{
    public static Command Create(CliConsole console)
    {
        var user = new Command("user", """
            Manage user accounts (opens the database directly; works while the server runs).

            Examples:
              chatire user create alice --email alice@example.com
              printf '%s\n' "$PASSWORD" | chatire user create bob --password-stdin
              chatire user list --json
              chatire user deactivate bob
            """);
        user.Subcommands.Add(CreateCommand(console));
        user.Subcommands.Add(ListCommand(console));
        user.Subcommands.Add(SetPasswordCommand(console));
        user.Subcommands.Add(StateCommand(console, "deactivate", "Deactivate an account: it cannot sign in, its tokens are revoked, its messages stay.", (ctx, u) => ctx.Accounts.DeactivateAsync(u), "deactivated"));
        user.Subcommands.Add(StateCommand(console, "activate", "Re-activate a deactivated account.", (ctx, u) => ctx.Accounts.ActivateAsync(u), "activated"));
        user.Subcommands.Add(StateCommand(console, "delete", "Delete an account with its chats and messages. Prefer deactivate.", (ctx, u) => ctx.Accounts.DeleteAsync(u), "deleted"));
        return user;
    }

    private static Argument<string> NameArgument() => new("name") { Description = "The username." };

    private static Option<bool> PasswordStdin() => new("--password-stdin") { Description = "Read the password from the first line of standard input." };

    private static Command CreateCommand(CliConsole console)
    {
        var name = NameArgument();
        var email = new Option<string?>("--email") { Description = "Email address." };
        var first = new Option<string?>("--first-name") { Description = "First name." };
        var last = new Option<string?>("--last-name") { Description = "Last name." };
        var staff = new Option<bool>("--staff") { Description = "Mark the account as staff." };
        var stdin = PasswordStdin();
        var ignoreExists = new Option<bool>("--ignore-exists") { Description = "Succeed without changes when the user already exists." };
        var command = new Command("create", """
            Create an account. The password comes from a prompt (asked twice, not echoed), --password-stdin, or CHATIRE_PASSWORD.

            Examples:
              chatire user create alice --email alice@example.com
              printf '%s\n' "$PASSWORD" | chatire user create bob --password-stdin --ignore-exists
            """) { name, email, first, last, staff, stdin, ignoreExists };
        var settings = SettingOptions.AddTo(command, CommandSettings.Passwords);
        command.SetAction(async (parseResult, _) =>
        {
            await using var context = AdminContext.Open(settings, parseResult, console, createIfMissing: true);
            var username = parseResult.GetValue(name)!;
            if (parseResult.GetValue(ignoreExists) && context.Users.FindByUsername(username) is not null)
            {
                await console.Out.WriteLineAsync($"User '{username}' already exists; nothing changed.").ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            var password = PasswordInput.Read(console, parseResult.GetValue(stdin));
            try
            {
                var created = await context.Accounts.CreateAsync(username, password, parseResult.GetValue(email) ?? "",
                    parseResult.GetValue(first) ?? "", parseResult.GetValue(last) ?? "", parseResult.GetValue(staff)).ConfigureAwait(false);
                await console.Out.WriteLineAsync($"Created user '{created.Username}' (id {created.Id}).").ConfigureAwait(false);
                return ExitCodes.Ok;
            }
            catch (ValidationException ex)
            {
                throw new CliException(Describe(ex), ExitCodes.Usage);
            }
        });
        return command;
    }

    private static Command ListCommand(CliConsole console)
    {
        var json = new Option<bool>("--json") { Description = "Print a JSON array instead of a table." };
        var command = new Command("list", "List accounts.\n\nExamples:\n  chatire user list\n  chatire user list --json") { json };
        var settings = SettingOptions.AddTo(command, CommandSettings.Data);
        command.SetAction(async (parseResult, _) =>
        {
            await using var context = AdminContext.Open(settings, parseResult, console);
            var users = context.Users.List();
            if (parseResult.GetValue(json))
            {
                await console.Out.WriteLineAsync(ToJson(users)).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            var table = new TextTable("ID", "USERNAME", "EMAIL", "NAME", "ACTIVE", "STAFF", "JOINED");
            foreach (var u in users)
            {
                table.Add(u.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), u.Username, u.Email, $"{u.FirstName} {u.LastName}".Trim(),
                    u.IsActive ? "yes" : "no", u.IsStaff ? "yes" : "no", u.DateJoined);
            }

            await console.Out.WriteAsync(table.Render()).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command SetPasswordCommand(CliConsole console)
    {
        var name = NameArgument();
        var stdin = PasswordStdin();
        var command = new Command("set-password", """
            Set a new password and sign the user out everywhere (all tokens are revoked).

            Examples:
              chatire user set-password alice
              printf '%s\n' "$PASSWORD" | chatire user set-password alice --password-stdin
            """) { name, stdin };
        var settings = SettingOptions.AddTo(command, CommandSettings.Passwords);
        command.SetAction(async (parseResult, _) =>
        {
            await using var context = AdminContext.Open(settings, parseResult, console);
            var user = context.RequireUser(parseResult.GetValue(name)!);
            var password = PasswordInput.Read(console, parseResult.GetValue(stdin));
            try
            {
                await context.Accounts.SetPasswordAsync(user, password, "password").ConfigureAwait(false);
            }
            catch (ValidationException ex)
            {
                throw new CliException(Describe(ex), ExitCodes.Usage);
            }

            var revoked = await context.Tokens.RevokeAllAsync(user.Id).ConfigureAwait(false);
            await console.Out.WriteLineAsync($"Password of '{user.Username}' changed; {revoked} token(s) revoked.").ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command StateCommand(CliConsole console, string verb, string description, Func<AdminContext, User, Task> change, string past)
    {
        var name = NameArgument();
        var command = new Command(verb, $"{description}\n\nExamples:\n  chatire user {verb} bob") { name };
        var settings = SettingOptions.AddTo(command, CommandSettings.Data);
        command.SetAction(async (parseResult, _) =>
        {
            await using var context = AdminContext.Open(settings, parseResult, console);
            var user = context.RequireUser(parseResult.GetValue(name)!);
            await change(context, user).ConfigureAwait(false);
            await console.Out.WriteLineAsync($"User '{user.Username}' {past}.").ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>One line per failed rule: "password: This password is too short. ..."</summary>
    public static string Describe(ValidationException ex) =>
        string.Join(Environment.NewLine, ex.Errors.SelectMany(pair => pair.Value.Select(message => $"{pair.Key}: {message}")));

    private static string ToJson(IReadOnlyList<User> users)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartArray();
            foreach (var u in users)
            {
                writer.WriteStartObject();
                writer.WriteNumber("id", u.Id);
                writer.WriteString("username", u.Username);
                writer.WriteString("email", u.Email);
                writer.WriteString("first_name", u.FirstName);
                writer.WriteString("last_name", u.LastName);
                writer.WriteBoolean("is_active", u.IsActive);
                writer.WriteBoolean("is_staff", u.IsStaff);
                writer.WriteString("date_joined", u.DateJoined);
                if (u.LastLogin is null)
                {
                    writer.WriteNull("last_login");
                }
                else
                {
                    writer.WriteString("last_login", u.LastLogin);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
